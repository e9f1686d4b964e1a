/// What the state database knows of a school, as far as choosing, labelling and deciding to send dates
/// is concerned (`SchoolRun`, `SendDecision`).
///
/// Read in one transaction by `StateStore.acceptedHistory`; `send` also takes its consent check from it,
/// so the decision to send and the dates chosen come from one reading of the state.
package struct AcceptedHistory: Sendable, Equatable {
    /// The last accepted submission of the school.
    package struct LastAccepted: Sendable, Equatable {
        /// The `submissions` id, quoted in "nothing changed since submission N".
        package var id: Int64
        /// Its body's hex SHA-256, compared with the new body's.
        package var sha256: String
        /// A later submission with another body may have been taken by the DfE (its outcome is not known),
        /// so the DfE may no longer hold this one: a body equal to it is not "unchanged".
        package var otherBodySince: Bool = false
    }

    /// The consent changes of the school.
    package var consent: ConsentHistory
    /// The date the consent period in force began, in the school's time zone; nil without consent.
    /// Catch-up never reaches before it: the school had not agreed to send those days.
    package var consentDay: Day?
    /// Each date ever accepted by the DfE → digest of the content last accepted for it.
    /// Its dates are left out of catch-up; its digests label the run's dates new, changed or unchanged.
    package var acceptedDigests: [Day: String]
    /// The newest ✓ or ⚠ submission of the school; nil before the first.
    package var lastAccepted: LastAccepted?
}
