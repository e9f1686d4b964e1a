/// What the state database knows of a school, as far as choosing, labelling and deciding to send dates
/// is concerned (`SchoolRun`, `SendDecision`).
package struct AcceptedHistory: Sendable, Equatable {
    /// The last accepted submission of the school.
    package struct LastAccepted: Sendable, Equatable {
        package var id: Int64
        package var sha256: String
    }

    /// The consent changes of the school.
    package var consent: ConsentHistory
    /// The date the consent period in force began, in the school's time zone; nil without consent.
    package var consentDay: Day?
    /// Each date ever accepted by the DfE → digest of the content last accepted for it.
    package var acceptedDigests: [Day: String]
    package var lastAccepted: LastAccepted?
}
