import Dispatch
import Foundation

/// SIGTERM (systemd stopping the unit, `kill`) and SIGINT (Ctrl-C), turned into a request to stop at the
/// next safe point instead of dying mid-write: the libcurl transfer and the SQLite read in progress are
/// cut short, a retry wait ends at once, and the run records the submission as interrupted.
///
/// The signals are received by dispatch sources (their default action is switched off), so the handler
/// runs on an ordinary thread and may take locks.
package final class Interruption: @unchecked Sendable {
    package static let shared = Interruption()

    private let lock = NSLock()
    private var received: Int32?
    private var sources: [any DispatchSourceSignal] = []
    private let wake = DispatchSemaphore(value: 0)

    /// Starts listening for SIGTERM and SIGINT (once per process).
    package func install() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for number in [SIGTERM, SIGINT] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [weak self] in self?.request(number) }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Records a stop request (the signal's number) and wakes a sleeping retry wait.
    func request(_ number: Int32) {
        lock.withLock { if received == nil { received = number } }
        wake.signal()
    }

    /// The signal that asked the run to stop, if one did.
    package var requested: Int32? { lock.withLock { received } }

    /// `SIGTERM` or `SIGINT`, for messages.
    package var signalName: String? { requested.map { $0 == SIGINT ? "SIGINT" : "SIGTERM" } }

    /// Waits `seconds`, or less when a stop is requested meanwhile.
    func sleep(seconds: Double) {
        guard requested == nil else { return }
        _ = wake.wait(timeout: .now() + seconds)
        if requested != nil { wake.signal() }  // leave the wake for any later wait
    }
}
