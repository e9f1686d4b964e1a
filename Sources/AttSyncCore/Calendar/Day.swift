import Foundation

/// A civil date (year, month, day) with no time and no time zone: a school day as registers know it.
///
/// Dates are compared and stepped as whole days since 1970-01-01, so weekday and arithmetic never
/// depend on a time zone or on daylight saving.
package struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    package let ordinal: Int

    /// The date `ordinal` days after 1970-01-01. Unchecked: the other initialisers are the ones that validate.
    package init(ordinal: Int) { self.ordinal = ordinal }

    /// A date from its parts; nil when the parts do not name a real date.
    /// Years 1–9999 only: four digits is what `YYYY-MM-DD` can hold and what `description` prints.
    package init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Day.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        ordinal = Day.ordinal(year: year, month: month, day: day)
    }

    /// Parses exactly `YYYY-MM-DD` (ten characters, a real date); anything else is nil.
    ///
    /// No surrounding spaces, no time part, no `2026-1-7`, no 31 April: the same test decides an MIS date
    /// (docs/mis-schema.md rule 6), a `window.nonSchoolDays` entry and a `--date` argument.
    package init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The civil date of `instant` in `timeZone` (a run at 00:30 BST on 1 July is 1 July in London).
    /// The one place a time zone meets a date: everything after works on civil dates.
    package init(containing instant: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        ordinal = Day.ordinal(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// Year, month (1–12) and day (1–31), computed from the ordinal without Foundation's calendar, so the
    /// answer never depends on a time zone.
    package var parts: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// ISO weekday: 1 Monday … 7 Sunday.
    /// 1970-01-01 was a Thursday (4); the double modulo keeps dates before 1970 right.
    package var weekday: Int { ((ordinal % 7 + 7 + 3) % 7) + 1 }

    /// Saturday or Sunday: never a school day, whatever `window.nonSchoolDays` says.
    package var isWeekend: Bool { weekday >= 6 }

    package func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    /// `YYYY-MM-DD`.
    package var description: String {
        let (y, m, d) = parts
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// `Fri 27 Nov 2026`, for people.
    package var longDescription: String {
        let (y, m, d) = parts
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[weekday - 1]) \(d) \(months[m - 1]) \(y)"
    }

    package static func < (lhs: Day, rhs: Day) -> Bool { lhs.ordinal < rhs.ordinal }

    /// Days since 1970-01-01 of a valid date: the inverse of `parts` (proleptic Gregorian calendar).
    private static func ordinal(year: Int, month: Int, day: Int) -> Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Days in `month` of `year`, with Gregorian leap years (2000 has 29 February, 2100 does not).
    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
