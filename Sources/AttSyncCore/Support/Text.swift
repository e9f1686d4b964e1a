import Foundation

/// Words and numbers for people: counts with plurals, thousands separators, seconds, local times.

extension Int {
    /// 12,345: thousands separated, for people.
    /// Commas every three digits whatever the locale, so output and golden files never vary by machine.
    var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return (self < 0 ? "-" : "") + out
    }
}

/// `1 mark`, `2 marks`, `1,204 marks`.
/// Adds "s" for any count but 1, so only for nouns with a regular plural.
func counted(_ count: Int, _ noun: String) -> String { "\(count.grouped) \(noun)\(count == 1 ? "" : "s")" }

/// `2`, `0.5`, `1.25`: a number of seconds for people, without trailing zeros. Any value, however large
/// (a server may ask for `Retry-After: 9223372036854775807`), prints without trapping.
func secondsText(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "\(seconds)" }
    if seconds == seconds.rounded() && abs(seconds) < 1e15 { return String(Int(seconds)) }
    return String(format: "%.3g", seconds)
}

/// `2026-11-27 16:05` in `zone`, for people.
/// Times are stored in UTC (`timestamp`) and shown in `configuration.timeZone`, so that the office reads
/// the school's own clock. Minutes only: seconds never matter to the person reading.
func localTime(_ date: Date, _ zone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
}

/// Text that came from outside attsync (a server's answer, the MIS copy), made safe to print: control
/// characters (line breaks, escape sequences), DEL, C1 controls and bidirectional overrides are written
/// as `\u{1B}`, so that nobody can clear the screen, colour it, or print a line of their own such as a
/// fake "✓ accepted".
func visible(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
            out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        default:
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
