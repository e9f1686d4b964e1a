import Foundation
import Testing

@testable import AttSyncCore

@Suite struct MetricsRendererTests {
    static let school = RunMetrics.School(
        urn: "100000", name: "St \"Mary's\" \\ C of E\nPrimary", lastRunStatus: 75, consent: true,
        lastAcceptedAt: Date(timeIntervalSince1970: 1_795_800_000.5), datesPending: 3, pendingSchoolDays: 2, alert: true,
        sessionsSent: 14, tokenRequests: 1, durationSeconds: 0.25, consecutiveFailedRuns: 3)

    /// name{labels} → value, for the samples of the text.
    func samples(_ text: String) -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
                let space = line.lastIndex(of: " ")!
                return (String(line[..<space]), String(line[line.index(after: space)...]))
            })
    }

    @Test func everyMetricIsAGaugeWithHelpAndItsValue() {
        let text = MetricsRenderer.render(
            RunMetrics(
                exitStatus: .pendingAlert, finishedAt: Date(timeIntervalSince1970: 1_795_900_000), durationSeconds: 1.5,
                schools: [Self.school]))
        let labels = #"{urn="100000",school="St \"Mary's\" \\ C of E\nPrimary"}"#
        let values = samples(text)
        #expect(values["attsync_run_exit_code"] == "76")
        #expect(values["attsync_run_timestamp_seconds"] == "1795900000")
        #expect(values["attsync_run_duration_seconds"] == "1.500")
        #expect(values["attsync_school_last_run_status" + labels] == "75")
        #expect(values["attsync_school_consent" + labels] == "1")
        #expect(values["attsync_school_last_accepted_timestamp_seconds" + labels] == "1795800000.500")
        #expect(values["attsync_school_dates_pending" + labels] == "3")
        #expect(values["attsync_school_pending_school_days" + labels] == "2")
        #expect(values["attsync_school_alert" + labels] == "1")
        #expect(values["attsync_school_sessions_sent" + labels] == "14")
        #expect(values["attsync_school_token_requests" + labels] == "1")
        #expect(values["attsync_school_run_duration_seconds" + labels] == "0.250")
        #expect(values["attsync_school_consecutive_failed_runs" + labels] == "3")
        for name in values.keys.map({ String($0.prefix { $0 != "{" }) }) {
            #expect(text.contains("# HELP \(name) ") && text.contains("# TYPE \(name) gauge\n"))
        }
        #expect(text.hasSuffix("\n") && !text.contains("\n\n"))
    }

    @Test func valuesThatDoNotExistAreLeftOutNotZero() {
        var school = Self.school
        school.lastAcceptedAt = nil
        school.datesPending = nil
        school.lastRunStatus = nil
        school.durationSeconds = nil
        let text = MetricsRenderer.render(
            RunMetrics(exitStatus: .success, finishedAt: Date(timeIntervalSince1970: 0), durationSeconds: 0, schools: [school]))
        #expect(!text.contains("attsync_school_last_accepted_timestamp_seconds"))
        #expect(!text.contains("attsync_school_dates_pending"))
        #expect(!text.contains("attsync_school_last_run_status"))
        #expect(!text.contains("attsync_school_run_duration_seconds"))
        #expect(text.contains("attsync_school_pending_school_days{"))
    }
}
