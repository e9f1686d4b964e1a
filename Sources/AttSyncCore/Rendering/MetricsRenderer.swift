import Foundation

/// What `send --metrics-file` exports about one run: the run's outcome and, per school, how its part ended
/// and where it stands.
package struct RunMetrics: Sendable, Equatable {
    /// One school's values.
    package struct School: Sendable, Equatable {
        package var urn: String
        package var name: String
        /// The exit code of the school's part of the run (before the alert); nil when the run stopped before it.
        package var lastRunStatus: Int?
        /// Whether consent is in force.
        package var consent: Bool
        /// When the newest accepted submission was accepted; nil before the first.
        package var lastAcceptedAt: Date?
        /// nil when the MIS copy could not be read.
        package var datesPending: Int?
        /// School days the oldest pending date has waited.
        package var pendingSchoolDays: Int
        /// Whether this school raised the pending alert in this run.
        package var alert: Bool
        /// Dates × sessions (AM, PM) in the body this run posted; 0 when it posted none.
        package var sessionsSent: Int
        package var tokenRequests: Int
        /// How long the school's part of the run took; nil when the run stopped before it.
        package var durationSeconds: Double?
        package var consecutiveFailedRuns: Int
    }

    /// The whole run's exit code, the alert (76) included.
    package var exitStatus: ExitStatus
    package var finishedAt: Date
    package var durationSeconds: Double
    package var schools: [School]
}

/// The Prometheus text format (version 0.0.4) of `RunMetrics`, for node_exporter's textfile collector.
///
/// Every metric is a gauge named `attsync_…` with the unit in the name (`_seconds`, `_timestamp_seconds`);
/// per-school metrics carry the labels `urn` and `school`. A value that does not exist (no accepted
/// submission yet, pending dates unknown) is left out rather than given a made-up number, so an alert rule
/// on it stays silent instead of firing on a zero. docs/operations.md §5 lists them with example alert rules.
enum MetricsRenderer {
    static func render(_ metrics: RunMetrics) -> String {
        var out = ""
        func family(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for sample in samples { out += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        func perSchool(_ name: String, _ help: String, _ value: (RunMetrics.School) -> String?) {
            family(
                name, help,
                metrics.schools.compactMap { school in
                    value(school).map { (labels: "{urn=\"\(labelValue(school.urn))\",school=\"\(labelValue(school.name))\"}", value: $0) }
                })
        }
        let exitHelp = "Exit code of the last send run (0 success, 75 temporary, 76 dates pending too long)."
        family("attsync_run_exit_code", exitHelp, [("", String(metrics.exitStatus.rawValue))])
        let time = metrics.finishedAt.timeIntervalSince1970
        family("attsync_run_timestamp_seconds", "When the last send run ended, in Unix time.", [("", number(time))])
        family("attsync_run_duration_seconds", "How long the last send run took.", [("", number(metrics.durationSeconds))])
        perSchool("attsync_school_last_run_status", "Exit code of the school's part of the last send run (0 success).") {
            $0.lastRunStatus.map(String.init)
        }
        perSchool("attsync_school_consent", "1 when consent to send is in force for the school, else 0.") { $0.consent ? "1" : "0" }
        perSchool("attsync_school_last_accepted_timestamp_seconds", "When the DfE last accepted the school's submission, Unix time.") {
            $0.lastAcceptedAt.map { number($0.timeIntervalSince1970) }
        }
        perSchool("attsync_school_dates_pending", "Dates with marks the DfE has never accepted, that send sends.") {
            $0.datesPending.map(String.init)
        }
        perSchool(
            "attsync_school_pending_school_days",
            "School days the oldest pending date has waited since consent (0 when none is pending, or only dates before consent are)."
        ) {
            String($0.pendingSchoolDays)
        }
        perSchool("attsync_school_alert", "1 when the school's pending dates made the last run exit 76 (alerts.pendingSchoolDays).") {
            $0.alert ? "1" : "0"
        }
        perSchool("attsync_school_sessions_sent", "Dates times sessions (AM, PM) in the body the last run posted for the school.") {
            String($0.sessionsSent)
        }
        perSchool("attsync_school_token_requests", "OAuth token requests made during the school's part of the last run.") {
            String($0.tokenRequests)
        }
        perSchool("attsync_school_run_duration_seconds", "How long the school's part of the last send run took.") {
            $0.durationSeconds.map(number)
        }
        perSchool("attsync_school_consecutive_failed_runs", "Send runs in a row that failed for the school (0 after a success).") {
            String($0.consecutiveFailedRuns)
        }
        return out
    }

    /// A label value with `\`, `"` and line breaks escaped, as the text format requires.
    static func labelValue(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n", "\r\n", "\r": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// A sample value: whole numbers without a fraction, others to the millisecond.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.3f", value)
    }
}
