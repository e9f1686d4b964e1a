/// A date's content compared with what the DfE last accepted for it.
package enum DayChange: String, Sendable {
    case new, changed, unchanged

    /// Labels each date of `payload` against the digests last accepted.
    static func label(_ payload: Payload, acceptedDigests: [Day: String]) -> [Day: DayChange] {
        payload.dayDigests.reduce(into: [:]) { labels, entry in
            labels[entry.key] = acceptedDigests[entry.key].map { $0 == entry.value ? .unchanged : .changed } ?? .new
        }
    }
}
