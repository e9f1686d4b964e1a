import Foundation

/// `attsync check [--online]`: everything a send needs, each as a ✓ or ✗ line, with the fix under each ✗.
///
/// It writes nothing: no state database, no lock, no attempt record. Offline it reads the configuration,
/// the secrets, the state directory and each school's MIS copy; `--online` also fetches a token and makes
/// two requests that send no data (`ServiceProbe`). The exit code is 0 only when every check passes,
/// otherwise that of the first failed check's class (the codes of the README), so that a script can tell a
/// configuration error (78) from a permission (77) or a network problem (75).
package enum CheckOperation {
    /// Runs every check and prints the report on stdout (with `--quiet`, only the failures).
    /// - Parameters:
    ///   - configurationPath: `--config`; as `Context.load` reads it, but a configuration that does not load is
    ///     a failed check here, not an error.
    ///   - date: `--date`: the day the checks are for (the codes of the 8 weeks before it, the DfE's codes on it).
    ///   - network: how to reach the DfE (libcurl unless a test passes its own).
    /// - Returns: success, or the first failed check's exit status (64 for an unknown `--school`).
    package static func run(
        configurationPath: String?, school: String?, environment: [String: String], clock: any WallClock, console: Console,
        date: Day?, online: Bool, network: SendOperation.Environment = .live
    ) -> ExitStatus {
        // To name the file when it does not load.
        let path = Context.path(configurationPath, environment: environment)
        let context: Context
        do {
            // Quietly: the warning about shared MIS copies becomes a failed check below.
            let loaded = try Context.load(
                configurationPath: configurationPath, school: school, environment: environment, clock: clock,
                console: Console(quiet: true, sink: { _, _ in }))
            context = loaded.with(console: console)
        } catch let error as UsageError {
            return Reporter.report(error, on: console)
        } catch {
            let line = CheckLine.fail(ExitStatus(for: error), "configuration: \(error)", fix: configurationFix(error, path: path))
            return finish([CheckSection(title: nil, lines: [line])], heading: "attsync check: \(path)", console: console)
        }
        let configuration = context.configuration
        let runDate = context.runDate(date)
        let user = ConsentOperation.operatingSystemUser(environment)

        var general: [CheckLine] = [
            .pass(
                "configuration \(context.configurationPath): valid; \(counted(configuration.schools.count, "school")), time zone \(configuration.timeZone.identifier)"
            )
        ]
        let secret = secretCheck(configuration.dfe.token.clientSecret, key: "dfe.token.clientSecret", environment: environment, user: user)
        general.append(secret.line)
        var subscriptionKey: (line: CheckLine, value: Secret?)?
        if let reference = configuration.dfe.subscriptionKey {
            subscriptionKey = secretCheck(reference, key: "dfe.subscriptionKey", environment: environment, user: user)
            general.append(subscriptionKey!.line)
        }
        let shared = Context.sharedSources(configuration.schools)
        general += shared.map {
            .fail(
                .configuration, $0,
                fix: "give each school its own MIS copy in schools[].source.path (the figures would go under the wrong URN)")
        }
        if shared.isEmpty && configuration.schools.count > 1 { general.append(.pass("each school reads its own MIS copy")) }
        let (stateLines, store) = stateChecks(configuration.stateDirectory, user: user)
        var sections = [CheckSection(title: nil, lines: general + stateLines)]

        for school in context.schools {
            let index = configuration.schools.firstIndex { $0.urn == school.urn } ?? 0
            sections.append(
                CheckSection(
                    title: school.displayName,
                    lines: schoolChecks(school, index: index, configuration: configuration, store: store, runDate: runDate, user: user)))
        }
        if online {
            var key: Secret?
            var keyUsable = true
            if let subscriptionKey {
                key = subscriptionKey.value
                keyUsable = subscriptionKey.value != nil
            }
            let lines: [CheckLine]
            if let value = secret.value, keyUsable {
                lines = onlineChecks(
                    configuration.dfe, secret: value, subscriptionKey: key, runDate: runDate, clock: clock, console: console,
                    network: network)
            } else {
                lines = [
                    .skipped(
                        "not tried: they need the client secret\(keyUsable ? "" : " and the subscription key"), which cannot be read here (above)"
                    )
                ]
            }
            sections.append(CheckSection(title: "Online (the DfE)", lines: lines))
        }
        return finish(sections, heading: "attsync check: \(context.configurationPath), for \(runDate.longDescription)", console: console)
    }

    /// Prints the report and returns the first failure's status.
    private static func finish(_ sections: [CheckSection], heading: String, console: Console) -> ExitStatus {
        let text = CheckRenderer.render(sections, heading: heading, failuresOnly: console.quiet)
        if !text.isEmpty { console.raw(text) }
        return sections.flatMap(\.lines).compactMap(\.failure).first ?? .success
    }

    // MARK: - Configuration and secrets

    /// What to do about a configuration that does not load.
    static func configurationFix(_ error: any Error, path: String) -> String {
        switch error as? ConfigurationError {
        case .unreadable?:
            return
                "give the right path with --config PATH or ATTSYNC_CONFIG, and make the file readable by this user (config.example.json shows every key)"
        case .looseConfigPermissions?: return "sudo chmod go-w \(path)"
        case .syntax?: return "correct the JSON at that line and column"
        default: return "correct the key named (the README's key table and config.example.json give every key and its default)"
        }
    }

    /// A secret: present, non-empty, readable by this user and not by group or others (`SecretReference.resolve`).
    /// A file under `/run/credentials/` exists only while the systemd unit that loads it runs: outside it, it is
    /// not checked (`–`) rather than failed.
    static func secretCheck(_ reference: SecretReference, key: String, environment: [String: String], user: String)
        -> (line: CheckLine, value: Secret?)
    {
        if case .file(let path) = reference, path.hasPrefix("/run/credentials/"), environment["CREDENTIALS_DIRECTORY"] == nil,
            access(path, F_OK) != 0
        {
            return (
                .skipped(
                    "\(key): \(path) exists only while attsync.service runs (systemd's LoadCredential= hands it over); not checked here"
                ), nil
            )
        }
        do {
            let value = try reference.resolve(key: key, environment: environment)
            switch reference {
            case .environment(let name):
                return (.pass("\(key): the environment variable \(name) is set"), value)
            case .file(let path):
                // `resolve` has just checked the file: its status is there to read.
                let status = (try? FileCheck.regularFile(path).get()) ?? stat()
                let owner = FileCheck.ownerName(status.st_uid)
                return (
                    .pass(
                        "\(key): \(path) is readable by \(user) and not by group or others (mode \(octal(FileCheck.mode(status))), owner \(owner)), not empty"
                    ),
                    value
                )
            }
        } catch {
            return (.fail(error.exitStatus, "\(error)", fix: secretFix(error, user: user)), nil)
        }
    }

    /// What to do about a secret that cannot be used.
    static func secretFix(_ error: ConfigurationError, user: String) -> String {
        switch error {
        case .secretEnvironmentMissing(_, let variable):
            return
                "set \(variable) for the command that runs attsync; under cron or systemd keep the secret in a file instead ({\"file\": PATH}, docs/operations.md §2.2)"
        case .secretFileUnreadable(_, let path, let reason) where reason == "the file is empty":
            return "write the secret into \(path): sudo sh -c 'cat > \(path)' (paste it, Enter, Ctrl-D)"
        case .secretFileUnreadable(_, let path, let reason) where reason == String(cString: strerror(ENOENT)):
            return "create it, readable by \(user) only: sudo install -m 0600 -o \(user) /dev/null \(path), then sudo sh -c 'cat > \(path)'"
        case .secretFileUnreadable(_, let path, _):
            return "make it \(user)'s and private: sudo chown \(user) \(path) && sudo chmod 600 \(path)"
        case .looseSecretPermissions(_, let path, _):
            return "sudo chmod 600 \(path)"
        case .secretMalformed:
            return "write the value alone, on one line, as UTF-8"
        default:
            return "correct the key named"
        }
    }

    // MARK: - The state directory

    /// The state directory writable by this user (and free of links), and the state database's migrations.
    /// Returns the database for the consent checks; nil when there is none yet.
    static func stateChecks(_ directory: String, user: String) -> (lines: [CheckLine], store: StateStore?) {
        var status = stat()
        guard lstat(directory, &status) == 0 else {
            let parent = (directory as NSString).deletingLastPathComponent
            if errno == ENOENT && access(parent, W_OK | X_OK) == 0 {
                return (
                    [.pass("state directory \(directory) does not exist yet; the first `consent give` or `send` creates it (0700)")], nil
                )
            }
            return (
                [
                    .fail(
                        .cannotCreate, "state directory \(directory) does not exist and \(user) cannot create it in \(parent)",
                        fix:
                            "sudo install -d -m 0700 -o \(user) -g \(groupName(getegid())) \(directory) (under systemd, StateDirectory= makes it)"
                    )
                ], nil
            )
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            return ([.fail(.cannotCreate, "\(directory) is not a directory", fix: "remove it, or point stateDirectory elsewhere")], nil)
        }
        let mode = FileCheck.mode(status)
        let owner = FileCheck.ownerName(status.st_uid)
        let chown = "sudo chown -R \(user):\(groupName(getegid())) \(directory) (or run attsync as \(owner): sudo -u \(owner) attsync …)"
        if mode & 0o022 != 0 {
            let error = StateError.looseDirectory(path: directory, mode: mode)
            return ([.fail(error.exitStatus, "\(error)", fix: "chmod 700 \(directory)")], nil)
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            return (
                [
                    .fail(
                        .ioError, "\(user) cannot write in the state directory \(directory) (owner \(owner), mode \(octal(mode)))",
                        fix: chown)
                ], nil
            )
        }
        var lines: [CheckLine] = []
        let database = directory + "/" + StateStore.fileName
        for file in [database, database + "-wal", database + "-shm", directory + "/" + StateStore.lockName] {
            var fileStatus = stat()
            guard lstat(file, &fileStatus) == 0 else { continue }
            if fileStatus.st_mode & S_IFMT == S_IFLNK {
                let error = StateError.symbolicLink(path: file)
                lines.append(.fail(error.exitStatus, "\(error)", fix: "rm \(file)"))
            } else if access(file, W_OK) != 0 {
                lines.append(.fail(.ioError, "\(user) cannot write \(file) (owner \(FileCheck.ownerName(fileStatus.st_uid)))", fix: chown))
            }
        }
        guard lines.isEmpty else { return (lines, nil) }
        lines.append(.pass("state directory \(directory): writable by \(user) (owner \(owner), mode \(octal(mode)))"))
        do {
            guard let store = try StateStore.openExisting(directory: directory) else {
                lines.append(.pass("no state database yet: the first `consent give` or `send` creates it"))
                return (lines, nil)
            }
            let (applied, known) = try store.migrationCount()
            lines.append(
                .pass(
                    applied == known
                        ? "state database \(database): schema current (\(counted(known, "migration")))"
                        : "state database \(database): \(applied) of \(known) migrations applied; the next `send` or consent change applies the rest"
                ))
            return (lines, store)
        } catch {
            let fix: String
            switch error {
            case .newerSchema:
                fix = "install the attsync that wrote it, or restore the backup taken before the upgrade (docs/operations.md §6)"
            case .cannotRead(_, _, let owner?): fix = "run attsync as \(owner): sudo -u \(owner) attsync check"
            case .corrupt: fix = "restore the backup of the state database (docs/operations.md §6), or report it"
            default: fix = chown
            }
            lines.append(.fail(error.exitStatus, "\(error)", fix: fix))
            return (lines, nil)
        }
    }

    // MARK: - Each school

    /// Consent; the MIS copy readable with its views, tables and columns; the date index; the codes of the last 8
    /// weeks; the run's figures built as send builds them.
    static func schoolChecks(
        _ school: Configuration.School, index: Int, configuration: Configuration, store: StateStore?, runDate: Day, user: String
    ) -> [CheckLine] {
        var lines: [CheckLine] = []
        let zone = configuration.timeZone
        do {
            let history = try store?.consentHistory(urn: school.urn) ?? ConsentHistory(events: [])
            if let given = history.inForce {
                lines.append(.pass("consent given by \(given.by) on \(localDayTime(given.at, zone)) (user \(given.osUser))"))
            } else if let retired = history.retiredByService {
                let error = SendError.consentRemovedByService(school: school.displayName, urn: school.urn, on: localTime(retired.at, zone))
                lines.append(
                    .fail(
                        error.exitStatus,
                        "no consent: the DfE answered on \(localDayTime(retired.at, zone)) that its service is retired (HTTP 410)",
                        fix: "if the DfE opens a service again, point dfe.endpoint at it and give consent again"))
            } else {
                lines.append(
                    .fail(
                        .noPermission, "no consent: send sends nothing for this school",
                        fix:
                            "a person with authority for this school gives it: attsync consent give --by \"NAME, ROLE\" --school \(school.urn)"
                    ))
            }
        } catch {
            lines.append(.fail(error.exitStatus, "\(error)", fix: "see the state database line above"))
        }

        let key = "schools[\(index)].source"
        let source: SourceDatabase
        do {
            source = try SourceDatabase(path: school.source.path, views: school.source.views, timeoutSeconds: school.source.timeoutSeconds)
        } catch {
            lines.append(.fail(error.exitStatus, "\(error)", fix: sourceFix(error, key: key, user: user)))
            lines.append(.skipped("date index and codes: not checked, the MIS copy cannot be read"))
            return lines
        }
        let views = school.source.views.keys.sorted()
        lines.append(
            .pass(
                "MIS copy \(school.source.path): readable by \(user); enrolments and attendance_marks have every column"
                    + (views.isEmpty ? "" : " (through \(key).views: \(views.joined(separator: ", ")))")))

        // Whether reading the copy failed above: then the figures' check below would repeat the same problem.
        var copyFailed = false
        do {
            let plan = try source.read { try $0.dateIndexPlan() }
            if plan.isUsable, let index = plan.index {
                lines.append(.pass("reads by date use the index \(index)"))
            } else {
                let tables = plan.scannedTables.isEmpty ? ["attendance_marks"] : plan.scannedTables
                lines.append(
                    .fail(
                        .dataError,
                        "reads by date scan the whole of \(tables.joined(separator: ", ")): no usable index on the date (every run reads every mark)",
                        fix: indexFix(school, table: tables[0])))
            }
        } catch {
            copyFailed = true
            lines.append(.fail(ExitStatus(for: error), "\(error)", fix: sourceFix(error, key: key, user: user)))
        }

        let from = CodeSurvey.start(runDate: runDate)
        do {
            let rows = try source.read { try $0.marksByDateAndCode(from: from, through: runDate) }
            let survey = CodeSurvey(rows: rows, codes: configuration.codes)
            let span = spanWords(from, runDate)
            if rows.isEmpty {
                lines.append(.pass("codes: no marks from \(span) (8 weeks), nothing to check; check that the copy is refreshed"))
            } else if survey.unknown.isEmpty {
                lines.append(
                    .pass(
                        "codes of \(span) (8 weeks): \(counted(survey.seen.count, "code")), each national on its dates or mapped by codes.map"
                    ))
            } else {
                let listed =
                    survey.unknown.prefix(10).map { code in
                        "\"\(visible(code.code))\"\(code.mappedTo.map { " (mapped to \"\($0)\")" } ?? "") \(counted(code.count, "mark")) from \(code.days.first?.longDescription ?? "")"
                    }.joined(separator: "; ") + (survey.unknown.count > 10 ? "; and \(survey.unknown.count - 10) more" : "")
                if configuration.codes.unknown == .skip {
                    lines.append(
                        .pass(
                            "codes of \(span) (8 weeks): \(counted(survey.seen.count, "code")); codes.unknown is \"skip\", so marks with these are left out: \(listed)"
                        ))
                } else {
                    let example = survey.unknown.first.map { "\"\(visible($0.code))\": \"…\"" } ?? ""
                    lines.append(
                        .fail(
                            .dataError,
                            "codes of \(span) (8 weeks) that are not national on their dates, nor mapped: \(listed); send would stop (exit 65)",
                            fix:
                                "map each local code to its national code (docs/attendance-codes.md) in codes.map, e.g. \"codes\": {\"map\": {\(example)}}, or correct the marks in the MIS"
                        ))
                }
            }
        } catch {
            copyFailed = true
            lines.append(.fail(ExitStatus(for: error), "\(error)", fix: sourceFix(error, key: key, user: user)))
        }

        // The figures send would build: rows it refuses (a session other than AM or PM, a pupil in two year
        // groups…) stop it as surely as an unknown code, which the line above already reports.
        // With the state's history, so catch-up days are checked too; a state database that cannot be read is
        // reported in its own section above.
        let history = try? store?.acceptedHistory(urn: school.urn, timeZone: zone)
        do {
            let run = try source.read {
                try SchoolRun.prepare(school: school, configuration: configuration, runDate: runDate, history: history, in: $0)
            }
            lines.append(.pass("the figures of \(daysWords(run.catchUp + run.window)) can be built as send builds them"))
        } catch DataError.unknownCodes {
            // Reported by the codes line.
        } catch let error as DataError {
            lines.append(
                .fail(
                    .dataError,
                    "the figures of the run cannot be built; send would stop (exit 65): "
                        + error.description.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " "),
                    fix: "correct these rows in the MIS, or their views in \(key).views (docs/mis-schema.md)"))
        } catch  where !copyFailed {
            lines.append(.fail(ExitStatus(for: error), "\(error)", fix: sourceFix(error, key: key, user: user)))
        } catch {
            // The same copy's problem is already reported above.
        }
        return lines
    }

    /// The `CREATE INDEX` to run, for the canonical table or for the table behind `source.views.attendance_marks`.
    static func indexFix(_ school: Configuration.School, table: String) -> String {
        let path = school.source.path
        if school.source.views["attendance_marks"] == nil {
            return
                "sqlite3 \(path) 'CREATE INDEX attendance_marks_by_date ON attendance_marks(date);' as the copy's owner, and add the index where the copy is made (attsync-import-mis-csv makes it)"
        }
        return
            "index the column that source.views.attendance_marks reads as date, where the copy is made: sqlite3 \(path) 'CREATE INDEX \(table)_by_date ON \(table)(<that column>);' (a view that transforms the column, such as substr(…), cannot use an index: select the column as it is)"
    }

    /// What to do about a MIS copy that cannot be read.
    static func sourceFix(_ error: any Error, key: String, user: String) -> String {
        switch error as? SourceError {
        case .missing?:
            return "check \(key).path, and the export or sync that makes the copy (docs/mis-copy.md)"
        case .cannotOpen?:
            return
                "make the copy readable by \(user) (ls -l the file and its folders); a copy in WAL mode also needs its folder writable (under systemd: ReadWritePaths=)"
        case .notADatabase?, .damaged?:
            return "check what makes the copy (docs/mis-copy.md); make it again"
        case .busy?, .unfinishedWrite?, .interrupted?, .outOfSpace?:
            return "try again once the program writing the copy has finished"
        case .brokenView?, .refused?:
            return "correct \(key).views (docs/mis-schema.md)"
        case .missingSchema?:
            return "add them to the copy, or map the copy's own tables with \(key).views (docs/mis-schema.md)"
        case .tooSlow?:
            return "check \(key).views for a runaway query; \(key).timeoutSeconds sets the limit"
        case .readFailed?, nil:
            return "check \(key).views and the rows they read"
        }
    }

    // MARK: - Online

    /// A token; the endpoint reached over verified TLS by a GET that sends nothing; the DfE's code list, where
    /// the service offers one, compared with the catalogue for `runDate`.
    static func onlineChecks(
        _ dfe: Configuration.DfE, secret: Secret, subscriptionKey: Secret?, runDate: Day, clock: any WallClock, console: Console,
        network: SendOperation.Environment
    ) -> [CheckLine] {
        let transport: any HTTPTransport
        do {
            transport = try network.makeTransport(dfe)
        } catch {
            return [
                .fail(ExitStatus(for: error), "cannot set up HTTPS: \(error)", fix: "check dfe.caBundle and libcurl (apt install libcurl4)")
            ]
        }
        let tokens = TokenProvider(token: dfe.token, secret: secret, transport: transport, console: console)
        // One attempt: a check reports what it finds at once rather than waiting through the retries of a send.
        let once = Configuration.Retry(attempts: 1, baseDelaySeconds: 1, maxDelaySeconds: 1, maxElapsedSeconds: dfe.timeoutSeconds)
        let token: Secret
        let url = dfe.token.url.absoluteString
        do {
            token = try tokens.bearer(policy: RetryPolicy(retry: once, clock: clock, random: network.random)) { _ in }
        } catch let error as SendError {
            let text: String
            if case .gaveUp(let reason) = error {
                text = "no token from \(url): \(reason)"
            } else {
                text = "no token from \(url): \(error)"
            }
            return [
                .fail(error.exitStatus, text, fix: tokenFix(error, url: dfe.token.url)),
                .skipped("endpoint and code list: not tried without a token"),
            ]
        } catch {
            return [.fail(ExitStatus(for: error), "no token from \(url): \(error)", fix: "report it with the message")]
        }
        var lines: [CheckLine] = [.pass("token fetched from \(url) for client \(dfe.token.clientId) (\(dfe.token.authMethod.rawValue))")]
        let probe = ServiceProbe(dfe: dfe, subscriptionKey: subscriptionKey, transport: transport)
        let endpoint = dfe.endpoint.absoluteString

        // The endpoint: a GET, which sends nothing; a POST-only endpoint answers 405.
        do {
            let response = try probe.get(dfe.endpoint, token: token)
            lines.append(endpointLine(response, url: endpoint))
        } catch {
            lines.append(transportLine(error, what: "dfe.endpoint \(endpoint)", key: "dfe.endpoint"))
        }

        // The DfE's code list, where the service has one.
        let codesURL = probe.codesURL.absoluteString
        do {
            let response = try probe.get(probe.codesURL, token: token)
            lines.append(codesLine(response, url: codesURL, runDate: runDate))
        } catch {
            lines.append(transportLine(error, what: "the DfE's code list \(codesURL)", key: "dfe.endpoint"))
        }
        return lines
    }

    /// What the GET of the endpoint says.
    static func endpointLine(_ response: HTTPResponse, url: String) -> CheckLine {
        let status = response.status
        switch status {
        case 300...399:
            return .fail(
                .configuration,
                "dfe.endpoint \(url) answered HTTP \(status) redirecting to \(response.headers["location"].map(visible) ?? "(no Location)")",
                fix: "check dfe.endpoint: attsync never follows a redirect")
        case 401:
            return .fail(
                .configuration, "dfe.endpoint \(url) refused the token (HTTP 401)",
                fix: "check dfe.subscriptionKey and that the client is registered for the attendance API")
        case 403:
            return .fail(
                .configuration, "dfe.endpoint \(url) refused the client (HTTP 403)",
                fix: "ask the DfE to give the client the attendance API's role")
        case 404, 410:
            return .fail(
                .configuration, "dfe.endpoint \(url) does not exist (HTTP \(status))",
                fix: "check dfe.endpoint against the URL the DfE gave")
        case 408, 429, 500...599:
            return .fail(
                .temporaryFailure, "dfe.endpoint \(url) is not available now (HTTP \(status))",
                fix: "try again later; if it lasts, ask the DfE")
        default:
            let meaning = status == 405 ? " (it takes only POST, as it should)" : ""
            return .pass("dfe.endpoint \(url): reachable over verified TLS; a GET that sends nothing was answered HTTP \(status)\(meaning)")
        }
    }

    /// What the GET of the code list says, and the codes compared with the catalogue.
    static func codesLine(_ response: HTTPResponse, url: String, runDate: Day) -> CheckLine {
        let status = response.status
        switch status {
        case 200...299:
            guard let codes = ServiceProbe.attendanceCodes(response.body) else {
                return .fail(
                    .temporaryFailure, "the DfE's code list \(url) is not a JSON list of {\"attendanceCode\": …} (HTTP \(status))",
                    fix: "try again later; if it lasts, ask the DfE")
            }
            let comparison = CodeListComparison(dfe: codes, on: runDate)
            let other =
                comparison.otherDates.isEmpty
                ? "" : "; it also lists \(comparison.otherDates.map(visible).joined(separator: " ")), national on other dates"
            if comparison.matches {
                return .pass(
                    "the DfE's code list matches the catalogue for \(runDate.longDescription) (\(counted(comparison.catalogueCount, "code"))\(other))"
                )
            }
            var differences: [String] = []
            if !comparison.notListedByDfE.isEmpty {
                differences.append(
                    "the DfE does not list \(comparison.notListedByDfE.joined(separator: " ")) (marks with them would be flagged)")
            }
            if !comparison.unknownToAttsync.isEmpty {
                differences.append(
                    "the DfE lists \(comparison.unknownToAttsync.map(visible).joined(separator: " ")), which attsync does not know (marks with them would be unknown codes)"
                )
            }
            return .fail(
                .dataError,
                "the DfE's code list differs from attsync's catalogue for \(runDate.longDescription): \(differences.joined(separator: "; "))",
                fix: "install an attsync whose catalogue matches (docs/attendance-codes.md); meanwhile map a local code with codes.map")
        case 404, 405, 501:
            return .skipped("the DfE's code list: the service offers none (GET \(url): HTTP \(status)); not compared")
        case 401, 403:
            return .fail(
                .configuration, "the DfE refused the token for \(url) (HTTP \(status))",
                fix: "check dfe.subscriptionKey and that the client is registered for the attendance API")
        case 300...399:
            return .fail(
                .configuration, "\(url) answered HTTP \(status) (a redirect)", fix: "check dfe.endpoint: attsync never follows a redirect")
        default:
            return .fail(.temporaryFailure, "the DfE's code list \(url) is not available now (HTTP \(status))", fix: "try again later")
        }
    }

    /// A request that got no answer.
    static func transportLine(_ error: TransportError, what: String, key: String) -> CheckLine {
        switch error {
        case .tls:
            return .fail(
                .configuration, "\(what): \(error)",
                fix: "if a proxy intercepts TLS, put its root certificate in a PEM file and set dfe.caBundle; check the machine's clock")
        case .refusedURL:
            return .fail(.configuration, "\(what): \(error)", fix: "use an https:// URL in \(key)")
        case .nameNotResolved(let host):
            return .fail(
                .temporaryFailure, "\(what): \(error)", fix: "check the host name in \(key) (getent hosts \(host)), DNS and https_proxy")
        default:
            return .fail(
                .temporaryFailure, "\(what): \(error)", fix: "check the network, the firewall and https_proxy / no_proxy; try again later")
        }
    }

    /// What to do when no token came.
    static func tokenFix(_ error: SendError, url: URL) -> String {
        switch error {
        case .tokenRejected:
            return "check dfe.token.clientId and the client secret with the DfE, then dfe.token.scope and dfe.token.authMethod"
        case .tls:
            return "if a proxy intercepts TLS, put its root certificate in a PEM file and set dfe.caBundle; check the machine's clock"
        case .redirected:
            return "check dfe.token.url: attsync never follows a redirect"
        case .tokenResponseInvalid:
            return "check that dfe.token.url is the OAuth 2.0 token endpoint the DfE gave"
        default:
            return
                "check the host name in dfe.token.url (getent hosts \(url.host ?? "")), the network and https_proxy; if the service is down, try again later"
        }
    }

    // MARK: - Names

    /// A group's name, or its number.
    static func groupName(_ gid: gid_t) -> String {
        getgrgid(gid).flatMap { $0.pointee.gr_name.map { String(cString: $0) } } ?? String(gid)
    }
}
