import Foundation

/// A consent change.
package struct ConsentEvent: Sendable, Equatable, Codable {
    package enum Action: String, Sendable, Codable { case given, removed }
    package var id: Int64
    package var urn: String
    package var action: Action
    /// The person (or "DfE service (HTTP 410)").
    package var by: String
    package var osUser: String
    package var at: Date
}

/// A submission as the history shows it.
package struct SubmissionRecord: Sendable, Equatable, Codable {
    package var id: Int64
    package var urn: String
    package var runDate: String
    package var dates: [String]
    package var bodySHA256: String
    package var forced: Bool
    package var status: SubmissionStatus
    package var httpStatus: Int?
    package var reference: String?
    package var errors: [DfEError]
    package var reason: String?
    package var createdAt: Date
    package var finishedAt: Date?
    package var attemptCount: Int
    /// Data-quality findings of the dates sent (marks not on roll, skipped codes, …), in words.
    package var dataQuality: String?
}
