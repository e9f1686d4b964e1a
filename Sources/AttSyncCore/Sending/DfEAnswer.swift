import Foundation

/// One error or warning from the DfE's answer, as the contract gives it. Every field is server text
/// already passed through `visible`, so it can be printed as it is.
///
/// Stored as JSON in `submissions.dfe_errors` and shown by `history show`. Every field is optional:
/// `DfEAnswer` keeps whatever fields an element of `errors` has, a number as its text.
package struct DfEError: Codable, Sendable, Equatable {
    /// `VAL100`…`VAL105` (docs/dfe-contract.md §4).
    package var code: String?
    /// A short name of the problem ("Invalid code").
    package var title: String?
    /// The offending value or an explanation.
    package var detail: String?
    /// A JSON path into the body: `$.submissionData[3].attendances[1].attendanceCode`.
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

/// What can be read of a DfE answer body (2xx or 4xx), however odd its shape: the contract's
/// `{"submissionRef": "…", "errors": [{"code", "title", "detail", "path"}]}`, read leniently so that one
/// odd field never loses the rest, with each oddity said in words.
struct DfEAnswer: Equatable {
    /// `submissionRef`, when it is a string.
    var reference: String?
    /// Every element of `errors` that is an object, its string (or number) fields kept.
    var errors: [DfEError] = []
    /// What was not as the contract says, in words; empty when nothing was.
    var oddities: [String] = []
    /// Whether the body was a JSON object at all.
    var isJSON = false

    init(_ body: [UInt8]) {
        guard !body.isEmpty else { return }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) as? [String: Any] else {
            return
        }
        isJSON = true
        switch object["submissionRef"] {
        case let text as String: reference = visible(text)
        case nil, is NSNull: break
        case let other?: oddities.append("submissionRef is not a string (\(Self.kind(other)))")
        }
        switch object["errors"] {
        case nil, is NSNull: break
        case let list as [Any]:
            for (index, element) in list.enumerated() {
                guard let fields = element as? [String: Any] else {
                    oddities.append("errors[\(index)] is not an object (\(Self.kind(element)))")
                    continue
                }
                func field(_ name: String) -> String? {
                    switch fields[name] {
                    case let text as String: return visible(text)
                    case let number as NSNumber: return number.stringValue
                    case nil, is NSNull: return nil
                    case let other?:
                        oddities.append("errors[\(index)].\(name) is not a string (\(Self.kind(other)))")
                        return nil
                    }
                }
                errors.append(DfEError(code: field("code"), title: field("title"), detail: field("detail"), path: field("path")))
            }
        case let other?: oddities.append("errors is not a list (\(Self.kind(other)))")
        }
    }

    /// The JSON kind of a value, for messages.
    private static func kind(_ value: Any) -> String {
        switch value {
        case is String: return "a string"
        case is NSNumber: return "a number"
        case is [Any]: return "a list"
        case is [String: Any]: return "an object"
        default: return "null"
        }
    }
}

/// The DfE's verdict on a submission that got an answer.
///
/// What `Submitter.deliver` returns for a 2xx; `SubmissionOutcome.accepted` turns it into ✓ or ⚠.
package struct Acceptance: Sendable, Equatable {
    /// Any 2xx; the contract names 200, 201 and 202.
    package var httpStatus: Int
    /// The DfE's `submissionRef`; nil when the answer had none, which `note` then says.
    package var reference: String?
    /// Soft errors: accepted with warnings.
    package var errors: [DfEError]
    /// Something odd about the answer itself (empty, not JSON, fields of the wrong shape).
    package var note: String?
}

/// A failed delivery: why, the last HTTP status and any errors the DfE listed.
///
/// Thrown by `Submitter.deliver`; `SubmissionOutcome.failed` records it, so the history keeps the status and
/// the errors as well as the message.
package struct DeliveryFailure: AttSyncError, Sendable {
    /// Decides the message, the exit code and whether the submission is ✗ rejected or ✗ failed.
    package var error: SendError
    /// nil when the last request got no HTTP answer, or the token never came.
    package var httpStatus: Int?
    /// The errors listed in the final answer's body (a 400's VAL errors); empty when there were none.
    package var errors: [DfEError]

    package var description: String { error.description }
    package var exitStatus: ExitStatus { error.exitStatus }
}
