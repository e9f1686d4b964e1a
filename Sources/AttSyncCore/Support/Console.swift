import Foundation

/// Where a command's words go: results to stdout, diagnostics to stderr. `--quiet` silences everything
/// but errors; `--verbose` adds detail. Tests pass a sink to capture both streams.
public struct Console: Sendable {
    public enum Stream: Sendable { case out, err }

    public var quiet: Bool
    public var verbose: Bool
    private let sink: @Sendable (Stream, String) -> Void

    public init(quiet: Bool = false, verbose: Bool = false, sink: @escaping @Sendable (Stream, String) -> Void = Console.standard) {
        self.quiet = quiet
        self.verbose = verbose
        self.sink = sink
    }

    public static let standard: @Sendable (Stream, String) -> Void = { stream, text in
        let handle = stream == .out ? FileHandle.standardOutput : FileHandle.standardError
        handle.write(Data(text.utf8))
    }

    /// A result (stdout), silenced by `--quiet`.
    public func result(_ text: String) { if !quiet { sink(.out, text) } }

    /// Exact bytes to stdout (the body for `preview --json`), never silenced.
    public func raw(_ text: String) { sink(.out, text) }

    /// Progress and notes (stderr), silenced by `--quiet`.
    public func note(_ text: String) { if !quiet { sink(.err, text + "\n") } }

    /// Detail for `--verbose` (stderr).
    public func detail(_ text: String) { if verbose { sink(.err, text + "\n") } }

    /// A warning or error (stderr), always shown.
    public func problem(_ text: String) { sink(.err, text + "\n") }
}

/// The wall clock, injected so that tests control "now" and waiting.
public protocol Clock: Sendable {
    func now() -> Date
    /// Waits `seconds` (tests record the wait and return at once).
    func sleep(seconds: Double)
}

/// The real clock.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        Thread.sleep(forTimeInterval: seconds)
    }
}
