import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

@Suite struct SchoolTermsTests {
    /// Every national code lands in the category the catalogue gives it, and a register's figures add up to its roll.
    @Test(arguments: [Day("2026-11-27"), Day("2024-06-03")])
    func everyCodeFallsInItsCatalogueCategoryAndTheRowAddsUpToTheRoll(day: Day) {
        let codeSet = Catalogue.codeSet(on: day)
        let counts = Dictionary(uniqueKeysWithValues: codeSet.codes.enumerated().map { ($1.code, $0 + 1) })
        let total = counts.values.reduce(0, +)
        let tally = AttendanceTally(onRoll: total + 5, counts: counts, marked: nil, codeSet: codeSet)
        func sum(_ category: AttendanceCategory, except: String? = nil) -> Int {
            codeSet.codes.filter { $0.category == category && $0.code != except }.reduce(0) { $0 + counts[$1.code]! }
        }
        #expect(tally.present == sum(.present))
        #expect(tally.late == counts["L"])
        #expect(tally.lateAfterClose == counts["U"])
        #expect(tally.unauthorised == sum(.unauthorisedAbsence, except: "U"))
        #expect(tally.approved == sum(.approvedEducationalActivity))
        #expect(tally.authorised == sum(.authorisedAbsence))
        #expect(tally.notCounted == sum(.notCounted))
        #expect(tally.missing == 5)
        #expect(tally.marks + tally.missing == tally.onRoll)
        #expect(tally.possible == codeSet.codes.filter(\.possibleSession).reduce(0) { $0 + counts[$1.code]! })
        #expect(tally.possible == tally.marks - tally.notCounted, "a not-counted code is exactly a code that is not a possible session")
    }

    @Test func theRateIsPresentAndApprovedActivityOverPossibleSessions() {
        let counts = ["/": 90, "L": 2, "V": 3, "I": 3, "U": 1, "N": 1, "X": 4]
        let tally = AttendanceTally(onRoll: 106, counts: counts, marked: 104, codeSet: Catalogue.codes2024)
        #expect(tally.attending == 95 && tally.possible == 100 && tally.missing == 2)
        #expect(percent(tally.rate) == "95.0%")
        #expect(percent(AttendanceTally(onRoll: 3, counts: ["X": 3], marked: nil, codeSet: Catalogue.codes2024).rate) == "-")
    }

    @Test func datesAreWrittenOneWay() {
        let days = { (dates: [String]) in dates.map { Day($0) } }
        // Runs of weekdays are ranges; a weekend does not break a run, a missing weekday does.
        #expect(daysWords(days(["2026-11-18", "2026-11-19", "2026-11-20", "2026-11-23"])) == "Wed 18 – Mon 23 Nov 2026, 4 school days")
        #expect(
            daysWords(days(["2026-11-18", "2026-11-19", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]))
                == "Wed 18 – Thu 19 and Mon 23 – Thu 26 Nov 2026, 6 school days", "the range never covers Fri 20, which is not in the set")
        #expect(daysWords(days(["2026-11-18", "2026-11-19", "2026-11-27"])) == "Wed 18 – Thu 19 and Fri 27 Nov 2026, 3 school days")
        #expect(daysWords(days(["2026-11-16", "2026-11-18", "2026-11-20"])) == "Mon 16, Wed 18 and Fri 20 Nov 2026, 3 school days")
        #expect(
            daysWords(days(["2026-11-02", "2026-11-04", "2026-11-06", "2026-11-10"]))
                == "Mon 2, Wed 4, Fri 6 and Tue 10 Nov 2026, 4 school days", "every day named, however many pieces")
        #expect(daysWords(days(["2026-11-30", "2026-12-01"])) == "Mon 30 Nov – Tue 1 Dec 2026, 2 school days")
        #expect(daysWords(days(["2026-11-30", "2026-12-04"])) == "Mon 30 Nov and Fri 4 Dec 2026, 2 school days")
        #expect(
            daysWords(days(["2026-12-17", "2026-12-18", "2027-01-04"])) == "Thu 17 – Fri 18 Dec 2026 and Mon 4 Jan 2027, 3 school days")
        #expect(daysWords([Day("2026-11-27")]) == "Fri 27 Nov 2026")
        #expect(daysWords(["2026-11-26", "2026-11-27"]) == "Thu 26 – Fri 27 Nov 2026, 2 school days")
        #expect(daysWords(["2026-11-27", "2026-11-27"]) == "Fri 27 Nov 2026", "each date once")
    }

    /// Read back, the words name exactly the days given: no range covers a day left out, no day is lost.
    @Test func randomSetsOfDaysReadBackExactly() throws {
        var random = SeededRandom(state: 11)
        let start = Day("2026-11-23")
        for _ in 0..<500 {
            let span = Int.random(in: 1...60, using: &random)
            let chance = Double.random(in: 0.1...1, using: &random)
            let days = (0..<span).map { start.adding(days: $0) }.filter {
                !$0.isWeekend && Double.random(in: 0..<1, using: &random) < chance
            }
            guard !days.isEmpty else { continue }
            let words = daysWords(days)
            #expect(try Self.readBack(words) == days, "\(words)")
        }
    }

    /// The days `daysWords` names: each piece a date or a range of weekdays, a date's missing month and year
    /// those of the date written after it.
    static func readBack(_ words: String) throws -> [Day] {
        let text = words.replacing(/, \d+ school days$/, with: "")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let pieces = text.replacingOccurrences(of: " and ", with: ", ").components(separatedBy: ", ")
        var tokens = pieces.map { $0.components(separatedBy: " – ").map { $0.split(separator: " ").map(String.init) } }
        var (month, year) = ("", "")
        for piece in tokens.indices.reversed() {
            for token in tokens[piece].indices.reversed() {
                var words = tokens[piece][token]
                if words.count >= 3 { month = words[2] } else { words.append(month) }
                if words.count >= 4 { year = words[3] } else { words.append(year) }
                tokens[piece][token] = words
            }
        }
        func day(_ words: [String]) throws -> Day {
            let month = try #require(months.firstIndex(of: words[2])) + 1
            return try #require(Day(year: Int(words[3]) ?? 0, month: month, day: Int(words[1]) ?? 0))
        }
        var days: [Day] = []
        for piece in tokens {
            let first = try day(piece[0])
            let last = try day(piece[piece.count - 1])
            days += (first.ordinal...last.ordinal).map(Day.init(ordinal:)).filter { !$0.isWeekend }
        }
        return days
    }

    @Test func yearGroupsAndCodesInSchoolWords() {
        #expect(yearGroupName("8") == "Year 8" && yearGroupName("R") == "Reception" && yearGroupName("N2") == "Nursery 2")
        let medical = Catalogue.codes2024.codes.first { $0.code == "M" }
        #expect(medical?.wording == "Authorised absence – leave: medical or dental appointment (M)")
    }

    @Test func aHeadingMayTakeTwoLines() {
        var table = TextTable(["name", "on\nroll"], numeric: [1])
        table.add(["Year 8", "169"])
        #expect(table.render() == "          on\nname    roll\nYear 8   169\n")
    }

    @Test func aBodyReadsBackIntoTheSameRegisters() throws {
        let body =
            #"{"urn":100000,"totalNoOfPupils":3,"submissionData":[{"ncYearGroup":"8","date":"2026-11-27","schoolSession":"AM","noOfPupilsOnRoll":3,"attendances":[{"attendanceCode":"/","value":2},{"attendanceCode":"N","value":1}]},{"ncYearGroup":"8","date":"2026-11-27","schoolSession":"PM","noOfPupilsOnRoll":3,"attendances":[]}]}"#
        let sent = try #require(SentBody(Array(body.utf8)))
        #expect(sent.days == [Day("2026-11-27")] && sent.elements.count == 2)
        let registers = RegisterCounts(day: Day("2026-11-27"), elements: sent.elements)
        #expect(registers.tally(.am).present == 2 && registers.tally(.am).unauthorised == 1)
        #expect(registers.tally(.pm).missing == 3 && registers.tally(.pm).rate == nil)
        #expect(SentBody(Array("{}".utf8)) == nil)
    }
}
