import Foundation

/// Where a command's words go: results to stdout, diagnostics to stderr. `--quiet` silences everything
/// but problems; `--verbose` adds detail. Tests pass a sink to capture both streams.
package struct Console: Sendable {
    package enum Stream: Sendable { case out, err }

    package var quiet: Bool
    package var verbose: Bool
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
    package func note(_ text: String) { if !quiet { sink(.err, text + "\n") } }

    /// Detail for `--verbose` (stderr).
    package func detail(_ text: String) { if verbose { sink(.err, text + "\n") } }

    /// A warning or error (stderr), always shown.
    package func problem(_ text: String) { sink(.err, text + "\n") }
}

/// The first failed write to stdout or stderr of this process, if any: the command layer turns it into
/// exit 74 once the work is done.
package final class OutputFailure: @unchecked Sendable {
    package static let shared = OutputFailure()
    private let lock = NSLock()
    private var first: (stream: Console.Stream, reason: String)?

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
