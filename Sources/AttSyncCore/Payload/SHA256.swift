import Crypto
import Foundation

/// Lower-case hex SHA-256.
///
/// The form of the Idempotency-Key (quoted, docs/dfe-contract.md §2), of `submissions.body_sha256` and of
/// the per-date digests in `accepted_days`; lower case so that the text compares equal byte for byte.
package func hexSHA256(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
