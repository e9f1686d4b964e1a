import Foundation

/// The configuration file, version 1: every key, its default, and the checks on its value.
///
/// Decoding is strict: unknown keys are errors (a typo must not be silently ignored), and every error
/// names the key path. Relative paths are resolved against the configuration file's directory, passed
/// in `userInfo[.configurationDirectory]`, so cron's working directory never matters.
package struct Configuration: Sendable, Equatable {
    package var version: Int
    package var timeZone: TimeZone
    package var stateDirectory: String
    package var window: Window
    package var codes: Codes
    package var dfe: DfE
    package var schools: [School]

    /// Every default, in one place.
    package enum Defaults {
        package static let version = 1
        package static let timeZone = "Europe/London"
        package static let stateDirectory = "state"
        package static let schoolDays = 8
        package static let catchUpSchoolDays = 20
        package static let unknownCodes = UnknownCodePolicy.fail
        package static let authMethod = AuthMethod.clientSecretPost
        package static let scope = "api://attendance/.default"
        package static let timeoutSeconds = 30.0
        /// How long one read of a MIS copy may take: a large school takes well under a second.
        package static let sourceTimeoutSeconds = 20.0
        package static let retry = Retry(attempts: 5, baseDelaySeconds: 2, maxDelaySeconds: 60, maxElapsedSeconds: 600)
    }

    /// Which days a run covers.
    package struct Window: Sendable, Equatable {
        /// The run date plus this many minus one school days before it.
        package var schoolDays: Int
        /// Weekdays that are not school days (bank holidays, INSET days, holidays).
        package var nonSchoolDays: Set<Day>
        /// At most this many never-accepted school days before the window are added; 0 turns catch-up off.
        package var catchUpSchoolDays: Int

        package var calendar: SchoolCalendar { SchoolCalendar(nonSchoolDays: nonSchoolDays) }
    }

    /// What to do with a code that is not national on its date, after mapping.
    package enum UnknownCodePolicy: String, Sendable, Equatable, Decodable {
        /// Stop the run (exit 65) listing every unknown code.
        case fail
        /// Leave those marks out and report them.
        case skip
    }

    /// Local sub-codes and the policy for codes that are not national.
    package struct Codes: Sendable, Equatable {
        /// Local code → national code, applied before validation.
        package var map: [String: String]
        package var unknown: UnknownCodePolicy
    }

    /// How the client authenticates to the token endpoint.
    package enum AuthMethod: String, Sendable, Equatable, Decodable {
        case clientSecretPost = "client_secret_post"
        case clientSecretBasic = "client_secret_basic"
    }

    /// The OAuth 2.0 client-credentials token endpoint.
    package struct Token: Sendable, Equatable {
        package var url: URL
        package var clientId: String
        package var clientSecret: SecretReference
        /// nil: no scope parameter.
        package var scope: String?
        package var authMethod: AuthMethod
    }

    /// Retry budget for transient failures.
    package struct Retry: Sendable, Equatable {
        /// Attempts in all, the first included.
        package var attempts: Int
        package var baseDelaySeconds: Double
        package var maxDelaySeconds: Double
        /// No new attempt starts, and no wait is begun, past this many seconds from the first attempt.
        package var maxElapsedSeconds: Double
    }

    /// The DfE service and how to reach it.
    package struct DfE: Sendable, Equatable {
        package var endpoint: URL
        package var token: Token
        package var subscriptionKey: SecretReference?
        /// A PEM file of extra trusted roots.
        package var caBundle: String?
        package var timeoutSeconds: Double
        package var retry: Retry
    }

    /// The MIS copy of one school.
    package struct Source: Sendable, Equatable {
        package var path: String
        /// Canonical relation name → SELECT, created as TEMP views.
        package var views: [String: String]
        /// How long one read of the copy may take before the run stops with the view that does not finish.
        package var timeoutSeconds: Double
    }

    package struct School: Sendable, Equatable {
        /// Six-digit Unique Reference Number.
        package var urn: String
        /// For people; may be empty.
        package var name: String
        package var source: Source

        /// `Example Academy (URN 100000)`, or `URN 100000` without a name.
        package var displayName: String { name.isEmpty ? "URN \(urn)" : "\(name) (URN \(urn))" }
    }

    /// The canonical relations a view may define.
    package static let canonicalRelations = ["attendance_marks", "enrolments"]
}

extension CodingUserInfoKey {
    /// The directory relative paths are resolved against (a `String`).
    package static let configurationDirectory = CodingUserInfoKey(rawValue: "attsync.configurationDirectory")!
}
