/// The codes a MIS copy holds over a span of dates, judged as a run would judge them (docs/mis-schema.md
/// rule 4): after `codes.map`, each must be a national code on its date. For `attsync check`, which looks at
/// the last 8 weeks so that a local code is found before the run that meets it.
package struct CodeSurvey: Sendable, Equatable {
    /// How far back `check` looks: 8 weeks, the run date included.
    package static let days = 56

    /// The codes seen, as recorded, each once, sorted.
    package let seen: [String]
    /// Codes that are not national on a date they were seen on, after mapping, in the order `DataError`
    /// lists them (most marks first).
    package let unknown: [DataError.UnknownCode]

    /// - Parameter rows: marks per date and code as recorded (`SourceSnapshot.marksByDateAndCode`).
    package init(rows: [(day: Day, code: String, count: Int)], codes: Configuration.Codes) {
        seen = Set(rows.map(\.code)).sorted()
        var unknown: [String: DataError.UnknownCode] = [:]
        for row in rows {
            let national = codes.map[row.code] ?? row.code
            guard !Catalogue.codeSet(on: row.day).contains(national) else { continue }
            var entry =
                unknown[row.code]
                ?? DataError.UnknownCode(code: row.code, mappedTo: national == row.code ? nil : national, count: 0, days: [])
            entry.count += row.count
            if entry.days.last != row.day { entry.days.append(row.day) }
            unknown[row.code] = entry
        }
        self.unknown = unknown.values.sorted { ($0.count, $1.code) > ($1.count, $0.code) }
    }

    /// The first date of the survey for a run date: 8 weeks back, the run date included.
    package static func start(runDate: Day) -> Day { runDate.adding(days: -(days - 1)) }
}
