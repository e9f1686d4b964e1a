import Foundation

/// The configuration file, version 1: every key, its default, and the checks on its value.
///
/// Decoding is strict: unknown keys are errors (a typo must not be silently ignored), and every error
/// names the key path. Relative paths are resolved against the configuration file's directory, passed
/// in `userInfo[.configurationDirectory]`, so cron's working directory never matters.
///
/// The first stage of the pipeline (configuration → source → figures → payload → transport → state): every
/// later stage takes its settings from here. Secrets stay `SecretReference`s until `send` resolves them.
package struct Configuration: Sendable, Equatable {
    /// Always 1, the only version this attsync reads; required to match so that a later format is refused,
    /// not misread.
    package var version: Int
    /// The school's zone (default Europe/London): it decides the run date, the day consent counts from and how
    /// times are shown. Times are stored in UTC whatever it is.
    package var timeZone: TimeZone
    /// Absolute path of the directory holding `attsync.sqlite` and `attsync.lock`; `state` beside the
    /// configuration file unless given (docs/operations.md sets `/var/lib/attsync`).
    package var stateDirectory: String
    package var window: Window
    package var codes: Codes
    package var dfe: DfE
    /// At least one, each URN once: a trust lists every school, each with its own MIS copy.
    package var schools: [School]
    /// When a failure that lasts stops being "try again later" (`send`'s exit 76).
    package var alerts: Alerts

    /// Every default, in one place.
    package enum Defaults {
        package static let version = 1
        package static let timeZone = "Europe/London"
        package static let stateDirectory = "state"
        package static let schoolDays = 8
        package static let catchUpSchoolDays = 20
        package static let unknownCodes = UnknownCodePolicy.fail
        package static let authMethod = AuthMethod.clientSecretPost
        /// Azure AD's form for "every role the client has on this resource".
        package static let scope = "api://attendance/.default"
        package static let timeoutSeconds = 30.0
        /// How long one read of a MIS copy may take: a large school takes well under a second.
        package static let sourceTimeoutSeconds = 20.0
        /// Four waits, drawn below 2, 4, 8 and 16 s (full jitter), all within 10 minutes per school.
        package static let retry = Retry(attempts: 5, baseDelaySeconds: 2, maxDelaySeconds: 60, maxElapsedSeconds: 600)
        /// Two school days: a date marked on Monday and still not accepted by Wednesday's run is an alert.
        package static let pendingSchoolDays = 2
    }

    /// Which days a run covers.
    package struct Window: Sendable, Equatable {
        /// The run date plus this many minus one school days before it.
        package var schoolDays: Int
        /// Weekdays that are not school days (bank holidays, INSET days, holidays).
        package var nonSchoolDays: Set<Day>
        /// At most this many never-accepted school days before the window are added; 0 turns catch-up off.
        package var catchUpSchoolDays: Int

        /// The calendar `RunPlan` counts school days with.
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
        /// `fail` unless configured: an unknown code stops the run rather than silently changing the figures.
        package var unknown: UnknownCodePolicy
    }

    /// How the client authenticates to the token endpoint.
    package enum AuthMethod: String, Sendable, Equatable, Decodable {
        /// `client_id` and `client_secret` in the form body, as Azure AD expects; the default.
        case clientSecretPost = "client_secret_post"
        /// HTTP Basic, each part form-urlencoded before Base64 (RFC 6749 §2.3.1).
        case clientSecretBasic = "client_secret_basic"
    }

    /// The OAuth 2.0 client-credentials token endpoint.
    package struct Token: Sendable, Equatable {
        /// The token endpoint: https, or http to loopback for tests.
        package var url: URL
        /// The OAuth client id; also sent as `api-client-app-id` with every submission.
        package var clientId: String
        /// Where the secret is kept; only `send` resolves it, so `preview` and `history` run without access to it.
        package var clientSecret: SecretReference
        /// nil: no scope parameter.
        package var scope: String?
        package var authMethod: AuthMethod
    }

    /// Retry budget for transient failures.
    package struct Retry: Sendable, Equatable {
        /// Attempts in all, the first included.
        package var attempts: Int
        /// The ceiling of the first wait; each later ceiling doubles, and the wait is drawn below it.
        package var baseDelaySeconds: Double
        /// The cap on that ceiling, whatever the number of failures.
        package var maxDelaySeconds: Double
        /// No new attempt starts, and no wait is begun, past this many seconds from the first attempt.
        /// Counted per school from the start of its delivery (`RetryPolicy.deadline`); the token fetch and the POST
        /// share it. A request already under way is bounded by `timeoutSeconds` instead.
        package var maxElapsedSeconds: Double
    }

    /// The DfE service and how to reach it.
    package struct DfE: Sendable, Equatable {
        /// Where submissions are POSTed: https, or http to loopback for tests.
        package var endpoint: URL
        package var token: Token
        /// The Azure API Management key, sent as `Ocp-Apim-Subscription-Key` when configured.
        package var subscriptionKey: SecretReference?
        /// A PEM file of extra trusted roots.
        /// Added to the system's roots, never replacing them; `Configuration.load` checks it holds a certificate.
        package var caBundle: String?
        /// The whole-request timeout of each HTTP request; connecting may take at most 15 s of it.
        package var timeoutSeconds: Double
        /// Shared by the token fetch and the POST: one budget per school.
        package var retry: Retry
    }

    /// The MIS copy of one school.
    package struct Source: Sendable, Equatable {
        /// Absolute path of the copy: opened read-only, never created, never written.
        package var path: String
        /// Canonical relation name → SELECT, created as TEMP views.
        package var views: [String: String]
        /// How long one read of the copy may take before the run stops with the view that does not finish.
        package var timeoutSeconds: Double
    }

    /// One school: who it is for the DfE (`urn`), for people (`name`), and where its registers are (`source`).
    package struct School: Sendable, Equatable {
        /// Six-digit Unique Reference Number.
        package var urn: String
        /// For people; may be empty.
        package var name: String
        package var source: Source
        /// This school's own closures (an INSET day of one school of a trust), on top of
        /// `window.nonSchoolDays`.
        package var nonSchoolDays: Set<Day>

        /// The trust's window with this school's own non-school days added.
        package func window(_ trust: Window) -> Window {
            var window = trust
            window.nonSchoolDays.formUnion(nonSchoolDays)
            return window
        }

        /// `Example Academy (URN 100000)`, or `URN 100000` without a name.
        package var displayName: String { name.isEmpty ? "URN \(urn)" : "\(name) (URN \(urn))" }
    }

    /// When `send` raises the alert.
    package struct Alerts: Sendable, Equatable {
        /// A run that fails for a temporary reason exits 76 instead of 75 once a date with marks has waited
        /// this many school days (or more) without being accepted.
        package var pendingSchoolDays: Int
    }

    /// The canonical relations a view may define.
    package static let canonicalRelations = ["attendance_marks", "enrolments"]
}

extension CodingUserInfoKey {
    /// The directory relative paths are resolved against (a `String`).
    package static let configurationDirectory = CodingUserInfoKey(rawValue: "attsync.configurationDirectory")!
}
