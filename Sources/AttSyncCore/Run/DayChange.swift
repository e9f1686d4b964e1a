/// A date's content compared with what the DfE last accepted for it.
///
/// `preview` shows it per date ("since last accepted"); it does not decide whether to send, which is
/// `SendDecision`'s job and looks at the whole body.
package enum DayChange: String, Sendable {
    /// `new`: never accepted; `changed`: accepted with other content; `unchanged`: accepted with this content.
    case new, changed, unchanged

    /// Labels each date of `payload` against the digests last accepted.
    /// Only dates in the payload are labelled: a date without marks is not sent, so it has no label.
    static func label(_ payload: Payload, acceptedDigests: [Day: String]) -> [Day: DayChange] {
        payload.dayDigests.reduce(into: [:]) { labels, entry in
            labels[entry.key] = acceptedDigests[entry.key].map { $0 == entry.value ? .unchanged : .changed } ?? .new
        }
    }
}
