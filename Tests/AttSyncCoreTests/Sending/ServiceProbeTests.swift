import Foundation
import Testing

@testable import AttSyncCore

/// `check --online`'s requests that send nothing, and the DfE's code list against the catalogue.
@Suite struct ServiceProbeTests {
    func probe(endpoint: String, transport: ScriptedTransport, key: String? = "sub") -> ServiceProbe {
        let dfe = Configuration.DfE(
            endpoint: URL(string: endpoint)!, token: SendingFixtures.tokenConfiguration, subscriptionKey: nil, caBundle: nil,
            timeoutSeconds: 30, retry: SendingFixtures.retry)
        return ServiceProbe(dfe: dfe, subscriptionKey: key.map(Secret.init), transport: transport)
    }

    @Test func theCodeListIsBesideTheEndpoint() {
        #expect(
            probe(endpoint: "https://dfe.example/attendance/attendances", transport: ScriptedTransport()).codesURL.absoluteString
                == "https://dfe.example/attendance/codes/attendance")
        #expect(
            probe(endpoint: "https://localhost:8443/attendances", transport: ScriptedTransport()).codesURL.absoluteString
                == "https://localhost:8443/codes/attendance")
    }

    @Test func aGetSendsNoBodyButTheTokenAndTheSubscriptionKey() throws {
        let transport = ScriptedTransport(["/attendances": [.respond(405)]])
        let probe = probe(endpoint: "https://dfe.example/attendances", transport: transport)
        let response = try probe.get(probe.dfe.endpoint, token: Secret("tok-1"))
        #expect(response.status == 405)
        let request = try #require(transport.requests.first)
        #expect(request.method == "GET" && request.body.isEmpty)
        #expect(request.header("Authorization") == "Bearer tok-1")
        #expect(request.header("Ocp-Apim-Subscription-Key") == "sub")
        #expect(request.header("api-client-app-id") == "attsync-client")
        #expect(request.header("Idempotency-Key") == nil)
    }

    @Test func theCodeListIsReadStrictly() {
        #expect(
            ServiceProbe.attendanceCodes(Array(#"[{"attendanceCode":"/","attendanceDescription":"x"},{"attendanceCode":"I"}]"#.utf8)) == [
                "/", "I",
            ])
        #expect(ServiceProbe.attendanceCodes(Array(#"[]"#.utf8)) == nil)
        #expect(ServiceProbe.attendanceCodes(Array(#"[{"code":"/"}]"#.utf8)) == nil)
        #expect(ServiceProbe.attendanceCodes(Array(#"{"attendanceCode":"/"}"#.utf8)) == nil)
        #expect(ServiceProbe.attendanceCodes(Array("<html>".utf8)) == nil)
    }

    @Test func theCodeListIsComparedWithTheCatalogueForTheDate() {
        let day = Day(iso: "2026-11-27")!
        let today = Catalogue.codeSet(on: day).codes.map(\.code)
        let same = CodeListComparison(dfe: today + ["H", "J", "Y"], on: day)
        #expect(same.matches && same.otherDates == ["H", "J", "Y"] && same.catalogueCount == today.count)
        let missing = CodeListComparison(dfe: today.filter { $0 != "Y7" }, on: day)
        #expect(!missing.matches && missing.notListedByDfE == ["Y7"])
        let new = CodeListComparison(dfe: today + ["Q9"], on: day)
        #expect(!new.matches && new.unknownToAttsync == ["Q9"] && new.notListedByDfE.isEmpty)
        let before2024 = CodeListComparison(dfe: today, on: Day(iso: "2024-06-03")!)
        #expect(before2024.notListedByDfE == ["J", "H", "Y"], "before 19 August 2024 the catalogue has the old codes")
    }
}
