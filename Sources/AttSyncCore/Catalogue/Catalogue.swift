/// The national catalogue: attendance codes by date, and National Curriculum year groups.
///
/// Source: The School Attendance (Pupil Registration) (England) Regulations 2024, regulation 10, and the
/// DfE guidance "Working together to improve school attendance" (August 2024). The tables below are the
/// only place codes are spelled out.
package enum Catalogue {
    /// The date the 2024 regulations' code set came into force.
    /// A mark dated before it is validated against `codesBefore2024`, on or after it against `codes2024`: a run
    /// that crosses it validates each day by its own rules (docs/attendance-codes.md).
    package static let changeOver2024 = Day(year: 2024, month: 8, day: 19)!

    /// One line of the tables below; `possible` is `AttendanceCode.possibleSession`.
    private typealias Row = (code: String, meaning: String, category: AttendanceCategory, possible: Bool)

    /// The 2024 table, in payload order.
    /// Spelled as in docs/attendance-codes.md, whose order is the payload order: change one, change both.
    private static let rows2024: [Row] = [
        ("/", "present, morning registration", .present, true),
        ("\\", "present, afternoon registration", .present, true),
        ("L", "late, arrived before the register closed", .present, true),
        ("K", "attending education provision arranged by the local authority", .approvedEducationalActivity, true),
        ("V", "educational visit or trip", .approvedEducationalActivity, true),
        ("P", "approved sporting activity", .approvedEducationalActivity, true),
        ("W", "work experience", .approvedEducationalActivity, true),
        ("B", "other approved off-site educational activity", .approvedEducationalActivity, true),
        ("C1", "leave: regulated performance or employment abroad", .authorisedAbsence, true),
        ("M", "leave: medical or dental appointment", .authorisedAbsence, true),
        ("J1", "leave: interview for employment or another institution", .authorisedAbsence, true),
        ("S", "leave: study leave", .authorisedAbsence, true),
        ("X", "not of compulsory school age, not required to attend", .notCounted, false),
        ("C2", "leave: agreed part-time timetable", .authorisedAbsence, true),
        ("C", "leave: other exceptional circumstances", .authorisedAbsence, true),
        ("T", "parent travelling for occupational purposes", .authorisedAbsence, true),
        ("R", "religious observance", .authorisedAbsence, true),
        ("I", "illness", .authorisedAbsence, true),
        ("E", "suspended or excluded, no alternative provision", .authorisedAbsence, true),
        ("Q", "unable to attend: lack of access arrangements", .notCounted, false),
        ("Y1", "unable to attend: transport normally provided not available", .notCounted, false),
        ("Y2", "unable to attend: widespread disruption to travel", .notCounted, false),
        ("Y3", "unable to attend: part of the school premises closed", .notCounted, false),
        ("Y4", "unable to attend: whole school site unexpectedly closed", .notCounted, false),
        ("Y5", "unable to attend: in criminal justice detention", .notCounted, false),
        ("Y6", "unable to attend: public health guidance or law", .notCounted, false),
        ("Y7", "unable to attend: any other unavoidable cause", .notCounted, false),
        ("G", "holiday not authorised", .unauthorisedAbsence, true),
        ("N", "reason not yet provided", .unauthorisedAbsence, true),
        ("O", "absent in other or unknown circumstances", .unauthorisedAbsence, true),
        ("U", "arrived after the register closed", .unauthorisedAbsence, true),
        ("D", "dual registered, attending the other school", .notCounted, false),
        ("Z", "prospective pupil not yet on roll", .notCounted, false),
        ("#", "planned whole-school closure", .notCounted, false),
    ]

    /// Codes of the 2024 table that the earlier set did not have.
    private static let newIn2024: Set<String> = ["K", "C1", "J1", "C2", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"]

    /// Codes of the earlier set that the 2024 table dropped, appended in this order.
    private static let droppedIn2024: [Row] = [
        ("J", "interview", .approvedEducationalActivity, true),
        ("H", "agreed family holiday", .authorisedAbsence, true),
        ("Y", "unable to attend due to exceptional circumstances", .notCounted, false),
    ]

    private static func codes(_ rows: [Row]) -> [AttendanceCode] {
        rows.map { AttendanceCode(code: $0.code, meaning: $0.meaning, category: $0.category, possibleSession: $0.possible) }
    }

    /// Codes in force from 19 August 2024.
    package static let codes2024 = CodeSet(inForceFrom: changeOver2024, codes: codes(rows2024))

    /// Codes in force before 19 August 2024.
    /// The 2024 table without `newIn2024`, followed by `droppedIn2024`: that is the old payload order.
    package static let codesBefore2024 = CodeSet(
        inForceFrom: nil, codes: codes(rows2024.filter { !newIn2024.contains($0.code) } + droppedIn2024))

    /// The set a mark on `day` is validated against.
    package static func codeSet(on day: Day) -> CodeSet { day < changeOver2024 ? codesBefore2024 : codes2024 }

    /// Whether `code` is national on some date (used to check `codes.map` targets).
    /// A target that is national only before 2024 (such as `H`) is accepted here; marks mapped to it after
    /// the change-over are then reported as unknown on their dates, naming the mapping.
    package static func isNationalCode(_ code: String) -> Bool {
        codes2024.contains(code) || codesBefore2024.contains(code)
    }

    /// Late before the register closed (`L`, a present mark) and after it closed (`U`, an unauthorised
    /// absence): schools report both apart from the rest of their category.
    package static let lateBeforeClose = "L"
    package static let lateAfterClose = "U"

    /// The present mark of each session: `/` belongs to AM, `\` to PM.
    /// The aggregation counts the other session's mark as "wrong session" (mis-schema rule 5).
    package static func presentMark(for session: Session) -> String { session == .am ? "/" : "\\" }

    /// National Curriculum year groups in payload order. `M` (mixed) is valid for a class, never a pupil.
    /// The payload's year-group order (docs/dfe-contract.md §2) and the list `enrolments.year_group` is
    /// checked against (mis-schema rule 6), so `M` in `enrolments` is an invalid row.
    package static let yearGroups: [String] = ["E1", "E2", "N1", "N2", "R"] + (1...14).map(String.init) + ["X"]

}
