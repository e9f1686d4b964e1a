/// How a national attendance code counts.
package enum AttendanceCategory: String, Sendable {
    case present = "present"
    case approvedEducationalActivity = "approved educational activity"
    case authorisedAbsence = "authorised absence"
    case unauthorisedAbsence = "unauthorised absence"
    case notCounted = "not counted"
}

/// One national attendance code.
package struct AttendanceCode: Sendable, Equatable {
    package let code: String
    package let meaning: String
    package let category: AttendanceCategory
    /// Whether a session with this code counts as a possible session.
    package let possibleSession: Bool
}

/// The national codes in force over a span of dates, in payload order.
package struct CodeSet: Sendable {
    /// First date this set is in force; nil for "since records began".
    package let inForceFrom: Day?
    package let codes: [AttendanceCode]
    private let members: Set<String>

    init(inForceFrom: Day?, codes: [AttendanceCode]) {
        self.inForceFrom = inForceFrom
        self.codes = codes
        members = Set(codes.map(\.code))
    }

    package func contains(_ code: String) -> Bool { members.contains(code) }
}
