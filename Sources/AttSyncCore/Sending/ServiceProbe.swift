import Foundation

/// The requests `attsync check --online` makes after fetching a token. None of them sends data: a GET of
/// the submission endpoint (which takes only POST, so a working one answers 405), and a GET of the DfE's
/// list of attendance codes (`GET {base}/codes/attendance`, docs/dfe-contract.md §5), both with the bearer
/// token and the subscription key, over the run's transport (verified TLS, no redirects followed).
package struct ServiceProbe {
    package let dfe: Configuration.DfE
    /// Resolved from `dfe.subscriptionKey`; nil when none is configured.
    package let subscriptionKey: Secret?
    package let transport: any HTTPTransport

    package init(dfe: Configuration.DfE, subscriptionKey: Secret?, transport: any HTTPTransport) {
        self.dfe = dfe
        self.subscriptionKey = subscriptionKey
        self.transport = transport
    }

    /// `{base}/codes/attendance`, where `{base}` is `dfe.endpoint` without its last path segment
    /// (`https://host/attendance/attendances` → `https://host/attendance/codes/attendance`).
    package var codesURL: URL {
        dfe.endpoint.deletingLastPathComponent().appendingPathComponent("codes").appendingPathComponent("attendance")
    }

    /// A GET of `url` that sends no body, with the token, the subscription key and the contract's client headers.
    /// - Throws: `TransportError` when no HTTP answer came.
    package func get(_ url: URL, token: Secret) throws(TransportError) -> HTTPResponse {
        let headers = Contract.apiHeaders(token: token, clientId: dfe.token.clientId, subscriptionKey: subscriptionKey)
        return try transport.send(HTTPRequest(method: "GET", url: url, headers: headers))
    }

    /// The codes of a code-list answer: a JSON array of objects, each with an `attendanceCode` string.
    /// nil when the answer has another shape (the descriptions are not read: nothing of them is shown).
    package static func attendanceCodes(_ body: [UInt8]) -> [String]? {
        guard let array = (try? JSONSerialization.jsonObject(with: Data(body))) as? [Any], !array.isEmpty else { return nil }
        var codes: [String] = []
        for element in array {
            guard let object = element as? [String: Any], let code = object["attendanceCode"] as? String else { return nil }
            codes.append(code)
        }
        return codes
    }
}

/// The DfE's list of attendance codes compared with attsync's catalogue for one date (pure).
package struct CodeListComparison: Sendable, Equatable {
    /// National codes on the date that the DfE does not list: a mark with one would be sent and perhaps flagged.
    package let notListedByDfE: [String]
    /// Codes the DfE lists that attsync knows on no date: a new national code attsync's catalogue lacks.
    package let unknownToAttsync: [String]
    /// Codes the DfE lists that are national on other dates only (`H`, `J`, `Y` before 19 August 2024).
    package let otherDates: [String]
    /// The catalogue's codes on the date.
    package let catalogueCount: Int

    package var matches: Bool { notListedByDfE.isEmpty && unknownToAttsync.isEmpty }

    package init(dfe: [String], on day: Day) {
        let listed = Set(dfe)
        let catalogue = Catalogue.codeSet(on: day)
        catalogueCount = catalogue.codes.count
        notListedByDfE = catalogue.codes.map(\.code).filter { !listed.contains($0) }
        let extra = listed.filter { !catalogue.contains($0) }.sorted()
        unknownToAttsync = extra.filter { !Catalogue.isNationalCode($0) }
        otherDates = extra.filter(Catalogue.isNationalCode)
    }
}
