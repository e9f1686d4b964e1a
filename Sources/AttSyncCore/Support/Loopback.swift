import Foundation

/// 127.0.0.0/8, ::1 or localhost: the only hosts plain http may reach (checked when the configuration is
/// read and again by the transport before each request).
///
/// `host` is a URL's host, which may keep the brackets of an IPv6 literal; they are stripped. An IPv4
/// host must be exactly four decimal octets starting with 127, so `127.0.0.1.example.com` and
/// `127.evil.example` are not loopback. `localhost` is trusted to resolve to a loopback address.
func isLoopbackHost(_ host: String) -> Bool {
    let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
    if bare == "localhost" || bare == "::1" { return true }
    let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
    return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
}
