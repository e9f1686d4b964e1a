import CCurl
import Foundation

/// The real transport: libcurl, one easy handle reused for every request of a run (connections are kept
/// alive between them).
///
/// Security settings are fixed here and cannot be turned off: TLS 1.2 or later, peer and host verification,
/// https only (plain http to loopback only, for tests), redirects never followed, a response size cap.
/// `https_proxy` and `no_proxy` are honoured by libcurl itself.
///
/// Ownership: the instance owns the easy handle and the error buffer and frees both in `deinit`. A header
/// list lives only for one `send` call, which is also the whole life of a transfer.
package final class CurlTransport: HTTPTransport {
    /// Larger answers are cut off: the DfE's answers are small JSON documents.
    package static let responseLimit = 1 << 20

    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let caBundle: String?
    private let timeoutSeconds: Double
    private let userAgent: String

    /// `curl_global_init`, exactly once per process.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// - Parameters:
    ///   - caBundle: a PEM file of roots trusted in addition to the system's.
    ///   - timeoutSeconds: the whole-request timeout (connecting takes at most 15 s of it).
    /// - Throws: `TransportError.other` when libcurl cannot start.
    package init(caBundle: String?, timeoutSeconds: Double, userAgent: String = "attsync/\(attsyncVersion)") throws(TransportError) {
        guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw .other(host: "", code: Int(Self.globalInit.rawValue), detail: "libcurl could not be initialised")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.caBundle = caBundle
        self.timeoutSeconds = timeoutSeconds
        self.userAgent = userAgent
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    package func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        let host = request.url.host ?? request.url.absoluteString
        let scheme = request.url.scheme?.lowercased()
        guard scheme == "https" || (scheme == "http" && isLoopbackHost(host)) else {
            throw .refusedURL(url: request.url.absoluteString)
        }
        curl_easy_reset(handle)
        errorBuffer.initialize(to: 0)
        let transfer = Transfer(limit: Self.responseLimit)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers + [("Expect", "")] {
            headerList = curl_slist_append(headerList, header.value.isEmpty ? "\(header.0):" : "\(header.0): \(header.1)")
        }
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        let timeout = Int(timeoutSeconds * 1000)
        do {
            try check(attsync_curl_setopt_string(handle, CURLOPT_URL, request.url.absoluteString))
            try check(attsync_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, scheme == "http" ? "http" : "https"))
            try check(attsync_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
            // A new connection for every request, closed after it: libcurl re-sends a request by itself when a
            // reused connection dies before the answer, and a POST sent twice behind attsync's back would be
            // an attempt nobody recorded. Every request on the wire is one attempt the retry policy decided.
            try check(attsync_curl_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1))
            try check(attsync_curl_setopt_long(handle, CURLOPT_FORBID_REUSE, 1))
            try check(attsync_curl_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)))
            try check(attsync_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
            try check(attsync_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
            if let caBundle {
                // CAINFO adds this file; the built-in CAPATH (/etc/ssl/certs on Debian) stays trusted.
                try check(attsync_curl_setopt_string(handle, CURLOPT_CAINFO, caBundle))
            }
            try check(attsync_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            try check(attsync_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeout))
            try check(attsync_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(timeout, 15_000)))
            try check(attsync_curl_setopt_offset(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(Self.responseLimit)))
            try check(attsync_curl_setopt_string(handle, CURLOPT_USERAGENT, userAgent))
            try check(attsync_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
            try check(attsync_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
            try check(attsync_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, writeCallback))
            try check(attsync_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
            try check(attsync_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, headerCallback))
            try check(attsync_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
            if request.method == "POST" {
                try check(attsync_curl_setopt_long(handle, CURLOPT_POST, 1))
                try check(attsync_curl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
                // COPYPOSTFIELDS copies the bytes, so nothing of ours must outlive this call.
                let copied = request.body.withUnsafeBufferPointer { buffer in
                    attsync_curl_setopt_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS,
                        UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!))
                }
                try check(copied)
            } else {
                try check(attsync_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
            }
        } catch {
            throw .other(
                host: host, code: Int(error.code.rawValue),
                detail: "libcurl refused an option: \(String(cString: curl_easy_strerror(error.code)))")
        }

        let result = curl_easy_perform(handle)
        guard result == CURLE_OK else { throw classify(result, host: host, transfer: transfer) }
        // libcurl accepts an answer cut off inside its headers (a status line, then the end of the connection)
        // as complete: it is not. The outcome is unknown, as for any answer that did not arrive whole.
        guard transfer.headersComplete else {
            throw .connectionLost(host: host, detail: "the answer ended inside its headers")
        }
        var status = 0
        _ = attsync_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var retryAfter: curl_off_t = 0
        let retryAfterKnown = attsync_curl_getinfo_offset(handle, CURLINFO_RETRY_AFTER, &retryAfter) == CURLE_OK
        // libcurl 7.88 gives a negative value for an HTTP-date in the past, and 0 for garbage or none.
        return HTTPResponse(
            status: status, headers: transfer.headers, body: transfer.body,
            retryAfterSeconds: retryAfterKnown && retryAfter > 0 ? Double(retryAfter) : nil)
    }

    private struct OptionRefused: Error { let code: CURLcode }

    /// The one helper every `curl_easy_setopt` result goes through.
    private func check(_ code: CURLcode) throws(OptionRefused) {
        guard code == CURLE_OK else { throw OptionRefused(code: code) }
    }

    /// Maps a libcurl failure to what went wrong, in words a technician can act on.
    private func classify(_ code: CURLcode, host: String, transfer: Transfer) -> TransportError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        let lower = detail.lowercased()
        switch code {
        case CURLE_SSL_CONNECT_ERROR where ["reset", "eof", "timed out", "broken pipe", "unexpected eof"].contains { lower.contains($0) }:
            // The connection broke during the handshake: a network fault, not a certificate problem.
            return .connectionLost(host: host, detail: detail)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_ENGINE_NOTFOUND:
            return .tls(host: host, problem: Self.tlsProblem(detail))
        case CURLE_COULDNT_RESOLVE_HOST: return .nameNotResolved(host: host)
        case CURLE_COULDNT_RESOLVE_PROXY: return .connectionFailed(host: host, detail: "proxy name not resolved (\(detail))")
        case CURLE_COULDNT_CONNECT: return .connectionFailed(host: host, detail: detail)
        case CURLE_OPERATION_TIMEDOUT: return .timedOut(host: host, seconds: timeoutSeconds)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .connectionLost(host: host, detail: detail)
        case CURLE_FILESIZE_EXCEEDED: return .responseTooLarge(host: host, limit: Self.responseLimit)
        case CURLE_WRITE_ERROR where transfer.overflowed: return .responseTooLarge(host: host, limit: Self.responseLimit)
        default: return .other(host: host, code: Int(code.rawValue), detail: detail)
        }
    }

    /// The certificate problem in plain words, followed by libcurl's own.
    static func tlsProblem(_ detail: String) -> String {
        let lower = detail.lowercased()
        let plain: String
        if lower.contains("expired") {
            plain = "certificate expired"
        } else if lower.contains("subject name") || lower.contains("does not match") || lower.contains("hostname") {
            plain = "certificate is for another host name"
        } else if lower.contains("issuer") || lower.contains("self-signed") || lower.contains("self signed")
            || lower.contains("unable to get local")
        {
            plain = "certificate not trusted (add its root to dfe.caBundle only if it is yours)"
        } else if lower.contains("cafile") || lower.contains("ca cert") {
            plain = "the CA bundle cannot be read"
        } else {
            plain = "TLS handshake failed"
        }
        return "\(plain): \(detail)"
    }

}

/// What one transfer has received so far; reached from libcurl's callbacks through its userdata pointer.
private final class Transfer {
    let limit: Int
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var overflowed = false
    /// The blank line that ends the current response's headers has arrived.
    var headersComplete = false

    init(limit: Int) { self.limit = limit }
}

private let writeCallback: attsync_curl_data_callback = { data, size, count, userdata in
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard transfer.body.count + length <= transfer.limit else {
        transfer.overflowed = true
        return 0  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

private let headerCallback: attsync_curl_data_callback = { data, size, count, userdata in
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        transfer.headers = [:]  // a new response (after 100 Continue): forget the earlier headers
        transfer.headersComplete = false
    } else if line == "\r\n" || line == "\n" {
        transfer.headersComplete = true
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        transfer.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return length
}
