import Foundation

/// How diagnostics (everything attsync writes to stderr) are written: `--log-format human` (the default,
/// unchanged lines of text) or `json`, one JSON object per line for a log shipper (journald's JSON
/// forwarding, Vector, Fluent Bit, Promtail…).
package enum LogFormat: String, Sendable, CaseIterable {
    case human, json
}

/// How much a diagnostic matters, as `--log-format json` labels it.
package enum LogLevel: String, Sendable {
    /// `--verbose` detail: request traces, retry waits, token counts.
    case debug
    /// Progress and notes (silenced by `--quiet`).
    case info
    /// A problem that does not stop the command: a register not taken (`Console.warning`), or a problem
    /// written `attsync: warning: …`.
    case warning
    /// A failure: of a school, or of the whole command.
    case error
}

extension LogFormat {
    /// One diagnostic, ready for stderr, ending in a newline.
    ///
    /// JSON: `{"time":"2026-11-27T16:30:02.120Z","level":"error","urn":"100000","message":"…"}` on one line, keys
    /// always in that order, `urn` only where the message is about one school. The message is the human text
    /// without the `attsync: ` prefix (the shipper knows the program); a line break inside it is escaped, so
    /// one message is always one line. A `warning:` or `note:` prefix is kept in the text and decides the level
    /// of a problem (`warning`) as it did for a person reading it.
    /// - Parameters:
    ///   - urn: the school the message is about, when the caller knows it; otherwise taken from a
    ///     `(URN 123456)` in the text, which is how every per-school message names its school.
    func line(_ level: LogLevel, _ text: String, urn: String?, at time: Date) -> String {
        guard self == .json else { return text + "\n" }
        var message = text
        while message.hasSuffix("\n") { message.removeLast() }
        if message.hasPrefix("attsync: ") { message.removeFirst("attsync: ".count) }
        var level = level
        if level == .error && message.hasPrefix("warning:") { level = .warning }
        let school = urn ?? Self.urn(in: message)
        let stamp = time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        return "{\"time\":\(jsonString(stamp)),\"level\":\(jsonString(level.rawValue))"
            + (school.map { ",\"urn\":\(jsonString($0))" } ?? "") + ",\"message\":\(jsonString(message))}\n"
    }

    /// The school a message names as `(URN 123456)`, how `Configuration.School.displayName` names a school;
    /// nil when it names none or several (the pending alert of a trust), so a shipper never files one school's
    /// message under another.
    static func urn(in text: String) -> String? {
        let named = Set(
            text.ranges(of: "(URN ").compactMap { range -> String? in
                let digits = text[range.upperBound...].prefix(6)
                guard digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                    text[range.upperBound...].dropFirst(6).first == ")"
                else { return nil }
                return String(digits)
            })
        return named.count == 1 ? named.first : nil
    }
}
