import Foundation

/// One error or warning from the DfE's answer, as the contract gives it.
package struct DfEError: Codable, Sendable, Equatable {
    package var code: String?
    package var title: String?
    package var detail: String?
    package var path: String?

    package init(code: String?, title: String?, detail: String?, path: String?) {
        self.code = code
        self.title = title
        self.detail = detail
        self.path = path
    }

    /// `VAL104 Invalid code (ZZ) at $.submissionData[3]…`
    package var summary: String {
        [code, title, detail.map { "(\($0))" }, path.map { "at \($0)" }].compactMap { $0 }.joined(separator: " ")
    }
}

/// The DfE's verdict on a submission that got an answer.
package struct Acceptance: Sendable, Equatable {
    package var httpStatus: Int
    package var reference: String?
    /// Soft errors: accepted with warnings.
    package var errors: [DfEError]
    /// Something odd about the answer itself (an empty or non-JSON body).
    package var note: String?
}

/// A failed delivery: why, the last HTTP status and any errors the DfE listed.
package struct DeliveryFailure: AttSyncError, Sendable {
    package var error: SendError
    package var httpStatus: Int?
    package var errors: [DfEError]

    package var description: String { error.description }
    package var exitStatus: ExitStatus { error.exitStatus }
}
