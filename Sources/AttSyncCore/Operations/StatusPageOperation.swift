import Foundation

/// `attsync history --html FILE [--week]`: the status page for the office and, with `--week`, the weekly
/// page for the head, written atomically as one self-contained HTML file (Rendering/StatusPage.swift).
package enum StatusPageOperation {
    /// Writes the page for the schools of `context`.
    /// - Parameters:
    ///   - count: how many school days the "has it reached the DfE?" table shows.
    ///   - asOf: the day the page is as on (default today).
    ///   - week: add the printable weekly summary of the week of `asOf` (Monday to `asOf`) and the week before.
    /// - Throws: `StateError`, `AtomicFile.Failure` (74; the previous page is left as it was).
    package static func write(_ context: Context, to path: String, count: Int, asOf: Day?, week: Bool) throws {
        let configuration = context.configuration
        let today = context.runDate(asOf)
        let store = try StateStore.openExisting(directory: configuration.stateDirectory)
        var pages: [StatusPage.School] = []
        for school in context.schools {
            let calendar = school.window(configuration.window).calendar
            var days = SchoolDays.last(count, asOf: today, calendar: calendar)
            var weeks: (this: [Day], last: [Day])?
            if week {
                let monday = today.adding(days: -(today.weekday - 1))
                let this = (0..<5).map { monday.adding(days: $0) }.filter { $0 <= today && calendar.isSchoolDay($0) }
                let last = (0..<5).map { monday.adding(days: $0 - 7) }.filter(calendar.isSchoolDay)
                weeks = (this, last)
                days = Array(Set(days + this)).sorted()
            }
            let read = try SchoolDays.read(school: school, configuration: configuration, days: days, asOf: today, store: store)
            let history = try store?.acceptedHistory(urn: school.urn, timeZone: configuration.timeZone)
            let zone = configuration.timeZone
            // Failures recorded on or after the first day shown.
            let shownFrom = days.first
            let failures = Array(
                (try store?.submissions(urns: [school.urn], limit: 200).filter { (record: SubmissionRecord) in
                    [.failed, .rejected, .interrupted].contains(record.status)
                        && (shownFrom.map { Day(containing: record.createdAt, in: zone) >= $0 } ?? true)
                } ?? []).prefix(10))
            // One read of the records of every date accepted (the figures the DfE has) or carried by a failure.
            let failedDays = failures.flatMap { $0.dates }.compactMap(Day.init(iso:))
            let acceptedDays = Array((history?.acceptedDigests ?? [:]).keys)
            let records = try store?.dayRecords(urn: school.urn, days: Array(Set(acceptedDays + failedDays))) ?? [:]
            var bodies: [Int64: SentBody] = [:]
            var accepted: [Day: (registers: RegisterCounts, reference: String?)] = [:]
            for (day, record) in records {
                guard let held = record.accepted else { continue }
                if bodies[held.submission] == nil { bodies[held.submission] = SentBody(held.body) }
                guard let body = bodies[held.submission] else { continue }
                accepted[day] = (RegisterCounts(day: day, elements: body.elements(on: day)), held.since.reference ?? held.reference)
            }
            // A failure whose days the DfE all holds now, each with its figures or newer ones, is listed apart.
            let resolved = try failures.filter { failure in
                let body = try store.map { SentBody(try $0.submission(id: failure.id).body) } ?? nil
                return HeldDays(failure, body: body, days: records).withoutEffect
            }
            let lastRun = try store?.runStreak(urn: school.urn).lastRun
            pages.append(
                StatusPage.School(
                    school: school, consent: history?.consent ?? ConsentHistory(events: []), days: read, accepted: accepted,
                    failures: failures,
                    resolved: Set(resolved.map(\.id)), stoppedRun: lastRun.flatMap { $0.failed && $0.submissionId == nil ? $0 : nil },
                    week: weeks))
        }
        let page = StatusPage.render(pages, asOf: today, written: context.clock.now(), timeZone: configuration.timeZone)
        try AtomicFile.write(Array(page.utf8), to: path)
        context.console.result(
            "Wrote \(path): the status page of \(context.schools.map(\.displayName).joined(separator: ", "))"
                + (week ? ", with the week of \(daysWords(pages.first?.week?.this ?? []))" : "") + ".\n")
    }
}
