import Crypto
import Foundation

/// Lower-case hex SHA-256.
package func hexSHA256(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
