import Foundation

/// Where a command's words go: results to stdout, diagnostics to stderr. `--quiet` silences everything
/// but problems; `--verbose` adds detail. Tests pass a sink to capture both streams.
package struct Console: Sendable {
    /// Which standard stream a piece of text is for: `out` for results a person or a script reads, `err` for
    /// notes, detail and problems, so that `attsync send >file` keeps diagnostics on the terminal.
    package enum Stream: Sendable { case out, err }

    /// `--quiet`: drops results and notes, so cron mails only when something needs a person. Problems and
    /// `raw` output still get through.
    package var quiet: Bool
    /// `--verbose`: lets `detail` through (request traces with credentials redacted, retry waits, token counts).
    package var verbose: Bool
    /// `--log-format`: every diagnostic (stderr) as text, or as one JSON object per line. Results (stdout) are
    /// never changed by it.
    package var logFormat = LogFormat.human
    /// Receives every write that passes the filters above, with no newline added: `Console.standard` in the
    /// program, a capturing closure in tests.
    private let sink: @Sendable (Stream, String) -> Void

    package init(quiet: Bool = false, verbose: Bool = false, sink: @escaping @Sendable (Stream, String) -> Void = Console.standard) {
        self.quiet = quiet
        self.verbose = verbose
        self.sink = sink
    }

    /// Writes to file descriptors 1 and 2 with `write(2)`. A failed write (a full disk, a closed
    /// descriptor, a reader gone) never stops the run: it is remembered in `OutputFailure` and the
    /// command exits 74 at the end, after the work (and a send) is done.
    package static let standard: @Sendable (Stream, String) -> Void = { stream, text in
        // `write(2)` rather than `FileHandle` or `print`: no buffering to lose on exit, and a failure is an
        // errno to record instead of an exception or a trap. SIGPIPE is ignored by the command layer, so a
        // reader that went away shows up here as EPIPE.
        let descriptor = stream == .out ? STDOUT_FILENO : STDERR_FILENO
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                OutputFailure.shared.record(stream, reason: String(cString: strerror(errno)))
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// A result (stdout), silenced by `--quiet`.
    package func result(_ text: String) { if !quiet { sink(.out, text) } }

    /// Exact bytes to stdout (the body for `preview --json`), never silenced.
    package func raw(_ text: String) { sink(.out, text) }

    /// Progress and notes (stderr), silenced by `--quiet`.
    /// - Parameter urn: the school the note is about, for `--log-format json`.
    package func note(_ text: String, urn: String? = nil) { if !quiet { diagnostic(.info, text, urn: urn) } }

    /// Detail for `--verbose` (stderr).
    package func detail(_ text: String) { if verbose { diagnostic(.debug, text, urn: nil) } }

    /// A warning or error (stderr), always shown.
    /// - Parameter urn: the school the problem is about, for `--log-format json`.
    package func problem(_ text: String, urn: String? = nil) { diagnostic(.error, text, urn: urn) }

    /// Something people must see that does not fail the command (a register not taken): stderr, always
    /// shown, even under `--quiet`, labelled `warning` by `--log-format json`.
    package func warning(_ text: String, urn: String? = nil) { diagnostic(.warning, text, urn: urn) }

    /// `text` to `stream` as it is, past every filter: for output already filtered and formatted by another
    /// console with the same settings (a school's buffered output in `SendOperation`'s workers).
    package func pass(_ stream: Stream, _ text: String) { sink(stream, text) }

    /// The same console with another sink (a school's buffer).
    package func redirected(to sink: @escaping @Sendable (Stream, String) -> Void) -> Console {
        var console = Console(quiet: quiet, verbose: verbose, sink: sink)
        console.logFormat = logFormat
        return console
    }

    /// The same console, each write under `lock`: threads that share it never cut into each other's text, and
    /// whoever holds `lock` (a school's whole output) writes without anyone cutting in.
    package func serialized(by lock: NSRecursiveLock) -> Console {
        let sink = self.sink
        return redirected { stream, text in lock.withLock { sink(stream, text) } }
    }

    /// Writes one diagnostic to stderr in the chosen `logFormat`.
    private func diagnostic(_ level: LogLevel, _ text: String, urn: String?) {
        sink(.err, logFormat.line(level, text, urn: urn, at: Date()))
    }
}

/// The first failed write to stdout or stderr of this process, if any: the command layer turns it into
/// exit 74 once the work is done.
package final class OutputFailure: @unchecked Sendable {
    /// One per process: `Console.standard` is a static closure with no instance of its own to hold the failure.
    package static let shared = OutputFailure()
    /// `Console` is `Sendable`, so writes may come from several threads; the lock keeps "first failure wins".
    private let lock = NSLock()
    private var first: (stream: Console.Stream, reason: String)?

    /// Keeps `reason` unless an earlier failure is already kept: the first failure is the one reported.
    func record(_ stream: Console.Stream, reason: String) {
        lock.withLock { if first == nil { first = (stream, reason) } }
    }

    /// "writing to standard output failed: No space left on device", or nil when every write succeeded.
    package var message: String? {
        lock.withLock {
            first.map { "writing to standard \($0.stream == .out ? "output" : "error") failed: \($0.reason)" }
        }
    }
}
