/// How a national attendance code counts.
///
/// The categories of docs/attendance-codes.md. attsync sends counts per code, not per category: the DfE
/// derives attendance rates itself; attsync's own summaries (present, authorised, rate…) are read from it.
package enum AttendanceCategory: String, Sendable {
    /// `/`, `\`, `L`: in school.
    case present = "present"
    /// Off-site education the school approved (`K`, `V`, `P`, `W`, `B`, and `J` before 2024): counts as attending.
    case approvedEducationalActivity = "approved educational activity"
    /// Absent with the school's leave or for a reason the regulations accept (`I` illness, `M` medical…).
    case authorisedAbsence = "authorised absence"
    /// Absent without leave or reason (`G`, `N`, `O`, `U`).
    case unauthorisedAbsence = "unauthorised absence"
    /// Not a possible session: not required to attend, unable to attend, closed, not on roll (`X`, `Y1`–`Y7`, `#`…).
    case notCounted = "not counted"
}

/// One national attendance code.
///
/// Codes are compared as exact strings: case and spaces matter, so `i` or `I ` is an unknown code.
package struct AttendanceCode: Sendable, Equatable {
    /// One or two characters as the regulations spell them (`/`, `\`, `I`, `C1`): the `attendanceCode` sent.
    package let code: String
    /// A short description for `preview --detail`.
    package let meaning: String
    package let category: AttendanceCategory
    /// Whether a session with this code counts as a possible session.
    /// False exactly for the not-counted category, whose sessions the DfE leaves out of attendance rates.
    package let possibleSession: Bool
}

/// The national codes in force over a span of dates, in payload order.
package struct CodeSet: Sendable {
    /// First date this set is in force; nil for "since records began".
    package let inForceFrom: Day?
    /// In payload order: the order attendances are listed in each element (docs/attendance-codes.md).
    package let codes: [AttendanceCode]
    /// The same codes, for the membership test that runs on every grouped mark row.
    private let members: Set<String>

    init(inForceFrom: Day?, codes: [AttendanceCode]) {
        self.inForceFrom = inForceFrom
        self.codes = codes
        members = Set(codes.map(\.code))
    }

    /// Whether `code` is valid on the dates this set covers (mis-schema rule 4, after `codes.map`).
    package func contains(_ code: String) -> Bool { members.contains(code) }
}
