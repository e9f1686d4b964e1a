import CCurl
import Foundation

/// The real transport: libcurl, one easy handle reused for every request of a run, each request on a fresh
/// connection that is closed after it (see `CURLOPT_FRESH_CONNECT` in `send`).
///
/// Security settings are fixed here and cannot be turned off: TLS 1.2 or later, peer and host verification,
/// https only (plain http to loopback only, for tests), redirects never followed, a response size cap.
/// `https_proxy` and `no_proxy` are honoured by libcurl itself.
///
/// Ownership: the instance owns the easy handle and the error buffer and frees both in `deinit`. A header
/// list lives only for one `send` call, which is also the whole life of a transfer.
///
/// The fifth stage of the pipeline (payload → transport): `SendOperation` makes one per run, shared by the
/// token fetch and every school's POST.
package final class CurlTransport: HTTPTransport {
    /// Larger answers are cut off: the DfE's answers are small JSON documents.
    /// 1 MiB (docs/dfe-contract.md §6): enforced both by `CURLOPT_MAXFILESIZE_LARGE`, when the server states a
    /// length, and by the write callback, when it does not.
    package static let responseLimit = 1 << 20

    /// The `CURL *` easy handle, owned: made in `init`, cleaned up in `deinit`. Reused after
    /// `curl_easy_reset`; no connection outlives its request (`CURLOPT_FORBID_REUSE`), so nothing else carries over.
    private let handle: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`, `CURL_ERROR_SIZE` bytes, owned: libcurl writes its detailed reason here during
    /// `curl_easy_perform`. It is an instance property because it must outlive every transfer on the handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// `dfe.caBundle`: a PEM file of roots added to the system's.
    private let caBundle: String?
    /// `dfe.timeoutSeconds`; also quoted by a timeout's message.
    private let timeoutSeconds: Double
    /// `attsync/<version>` (docs/dfe-contract.md §2).
    private let userAgent: String

    /// `curl_global_init`, exactly once per process.
    /// A lazily initialised static, which Swift runs once and thread-safely: `curl_global_init` is not
    /// thread-safe itself and must come before any `curl_easy_init`. Its result is kept, so that every later
    /// `init` fails the same way if it failed. Never undone: the process ends first.
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

    // The handle first: until it is cleaned up, libcurl may still write into the error buffer.
    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// One request, from first byte to last, on the shared handle. Every option is set again after
    /// `curl_easy_reset`, so nothing of an earlier request (its body, its headers, its method) carries over.
    /// - Throws: `TransportError.refusedURL`, before anything is sent, for a URL that is neither https nor
    ///   http to loopback; otherwise libcurl's failure as `classify` words it. An HTTP status is never thrown.
    package func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        let host = request.url.host ?? request.url.absoluteString
        let scheme = request.url.scheme?.lowercased()
        guard scheme == "https" || (scheme == "http" && isLoopbackHost(host)) else {
            throw .refusedURL(url: request.url.absoluteString)
        }
        curl_easy_reset(handle)
        errorBuffer.initialize(to: 0)
        let transfer = Transfer(limit: Self.responseLimit)
        // Owned by this call and freed by `defer` after `curl_easy_perform`, the whole time libcurl reads it.
        // `Expect:` with no value removes the header: libcurl would otherwise send `Expect: 100-continue` with a
        // larger body and wait for the server before sending it.
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers + [("Expect", "")] {
            // A failed append (out of memory) returns NULL and leaves the list as it was: never send a
            // request without its Authorization or Idempotency-Key.
            guard let longer = curl_slist_append(headerList, header.value.isEmpty ? "\(header.0):" : "\(header.0): \(header.1)") else {
                throw .other(host: host, code: 0, detail: "libcurl could not hold the request's headers (out of memory)")
            }
            headerList = longer
        }
        // `transfer` lives until this function returns, after the last callback, so an unretained pointer is safe.
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        // Milliseconds, as libcurl's `long` options take them.
        let timeout = Int(timeoutSeconds * 1000)
        do {
            try check(attsync_curl_setopt_string(handle, CURLOPT_URL, request.url.absoluteString))
            // libcurl itself refuses any other scheme, whatever the URL turns out to be.
            try check(attsync_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, scheme == "http" ? "http" : "https"))
            try check(attsync_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
            // A new connection for every request, closed after it: libcurl re-sends a request by itself when a
            // reused connection dies before the answer, and a POST sent twice behind attsync's back would be
            // an attempt nobody recorded. Every request on the wire is one attempt the retry policy decided.
            try check(attsync_curl_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1))
            try check(attsync_curl_setopt_long(handle, CURLOPT_FORBID_REUSE, 1))
            // A minimum: TLS 1.2 or anything later that both sides speak; never a downgrade below it.
            try check(attsync_curl_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)))
            try check(attsync_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
            // 2: the certificate must name the host. Nothing in the configuration can turn either check off.
            try check(attsync_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
            if let caBundle {
                // CAINFO adds this file; the built-in CAPATH (/etc/ssl/certs on Debian) stays trusted.
                try check(attsync_curl_setopt_string(handle, CURLOPT_CAINFO, caBundle))
            }
            // No SIGALRM for resolver timeouts: signals do not mix with Swift's threads.
            try check(attsync_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            // SIGTERM or SIGINT aborts the transfer within about a second (the callback answers non-zero).
            try check(attsync_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
            try check(attsync_curl_setopt_progress(handle, progressCallback))
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
                // The size first: without it COPYPOSTFIELDS would take the body as a C string and stop at a zero byte.
                try check(attsync_curl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
                // COPYPOSTFIELDS copies the bytes, so nothing of ours must outlive this call.
                let copied = request.body.withUnsafeBufferPointer { buffer in
                    attsync_curl_setopt_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS,
                        // An empty array has no address; any non-null pointer does for zero bytes.
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

        // Blocks until the answer is complete, the timeout passes or the connection fails.
        let result = curl_easy_perform(handle)
        guard result == CURLE_OK else { throw classify(result, host: host, transfer: transfer) }
        // libcurl accepts an answer cut off inside its headers (a status line, then the end of the connection)
        // as complete: it is not. The outcome is unknown, as for any answer that did not arrive whole.
        guard transfer.headersComplete else {
            throw .connectionLost(host: host, detail: "the answer ended inside its headers")
        }
        var status = 0
        // After a successful perform the code is always there; 0 would read as an unexpected status.
        _ = attsync_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var retryAfter: curl_off_t = 0
        let retryAfterKnown = attsync_curl_getinfo_offset(handle, CURLINFO_RETRY_AFTER, &retryAfter) == CURLE_OK
        // libcurl 7.88 gives a negative value for an HTTP-date in the past, and 0 for garbage or none.
        return HTTPResponse(
            status: status, headers: transfer.headers, body: transfer.body,
            retryAfterSeconds: retryAfterKnown && retryAfter > 0 ? Double(retryAfter) : nil)
    }

    /// A `curl_easy_setopt` failure; `send` turns it into `TransportError.other` with libcurl's words.
    private struct OptionRefused: Error { let code: CURLcode }

    /// The one helper every `curl_easy_setopt` result goes through.
    private func check(_ code: CURLcode) throws(OptionRefused) {
        guard code == CURLE_OK else { throw OptionRefused(code: code) }
    }

    /// Maps a libcurl failure to what went wrong, in words a technician can act on.
    /// libcurl's error buffer is preferred to `curl_easy_strerror`: it holds the specific reason (the
    /// certificate problem, the OS error) where the latter gives only the code's generic text.
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
        case CURLE_ABORTED_BY_CALLBACK: return .interrupted(host: host, signal: Interruption.shared.signalName ?? "a signal")
        case CURLE_FILESIZE_EXCEEDED: return .responseTooLarge(host: host, limit: Self.responseLimit)
        case CURLE_WRITE_ERROR where transfer.overflowed: return .responseTooLarge(host: host, limit: Self.responseLimit)
        default: return .other(host: host, code: Int(code.rawValue), detail: detail)
        }
    }

    /// The certificate problem in plain words, followed by libcurl's own.
    /// Matched on OpenSSL's wording as libcurl passes it on; wording it does not know falls back to "TLS
    /// handshake failed", with the detail still shown.
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
/// A class so that both callbacks can reach and change the same instance through one raw pointer.
private final class Transfer {
    /// Body bytes accepted before the transfer is stopped.
    let limit: Int
    var body: [UInt8] = []
    /// Lower-cased name → value, of the final response only.
    var headers: [String: String] = [:]
    /// Set when the body would pass `limit`: tells a cut-off answer from any other write failure.
    var overflowed = false
    /// The blank line that ends the current response's headers has arrived.
    var headersComplete = false

    init(limit: Int) { self.limit = limit }
}

/// `CURLOPT_WRITEFUNCTION`: appends one chunk of the body. `userdata` is the `Transfer`. Returning anything
/// but `size * count` makes libcurl abort the transfer.
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

/// `CURLOPT_HEADERFUNCTION`: called once per header line, the status line included, with its CRLF.
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

/// Aborts the transfer once SIGTERM or SIGINT has asked the run to stop.
private let progressCallback: attsync_curl_progress_callback = { _, _, _, _, _ in
    Interruption.shared.requested == nil ? 0 : 1
}
