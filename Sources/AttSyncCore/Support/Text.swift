import Foundation

/// Words and numbers for people: counts with plurals, thousands separators, seconds, local times.

extension Int {
    /// 12,345: thousands separated, for people.
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
func counted(_ count: Int, _ noun: String) -> String { "\(count.grouped) \(noun)\(count == 1 ? "" : "s")" }

/// `2`, `0.5`, `1.25`: a number of seconds for people, without trailing zeros. Any value, however large
/// (a server may ask for `Retry-After: 9223372036854775807`), prints without trapping.
func secondsText(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "\(seconds)" }
    if seconds == seconds.rounded() && abs(seconds) < 1e15 { return String(Int(seconds)) }
    return String(format: "%.3g", seconds)
}

/// `2026-11-27 16:05` in `zone`, for people.
func localTime(_ date: Date, _ zone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
}
