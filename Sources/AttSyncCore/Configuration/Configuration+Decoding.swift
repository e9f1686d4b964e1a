import Foundation

/// The decoding of each part of the configuration, with its defaults (`Configuration.Defaults`) and the
/// checks on its values. Each init opens a `ConfigObject` with its allowed keys, so unknown keys fail.
extension Configuration: Decodable {
    /// The top level: `version` must be 1 (absent means 1), `dfe` and `schools` are required, and each URN
    /// may appear once.
    /// - Throws: `ConfigurationError` naming the key; `DecodingError` for a value of the wrong type, which
    ///   `Configuration.load` words with its key path.
    package init(from decoder: any Decoder) throws {
        let object = try ConfigObject(
            decoder,
            keys: [
                "version", "timeZone", "stateDirectory", "window", "codes", "dfe", "schools", "alerts",
            ])
        version = try object.integer("version") ?? Defaults.version
        guard version == Defaults.version else {
            throw object.invalid("version", "unsupported version \(version): this attsync reads version \(Defaults.version)")
        }
        let zoneName: String = try object.optional("timeZone") ?? Defaults.timeZone
        guard let zone = TimeZone(identifier: zoneName) else {
            throw object.invalid("timeZone", "unknown time zone \"\(zoneName)\": use an IANA name such as Europe/London")
        }
        timeZone = zone
        stateDirectory = try object.path("stateDirectory") ?? object.resolve(Defaults.stateDirectory)
        window =
            try object.optional("window")
            ?? Window(
                schoolDays: Defaults.schoolDays, nonSchoolDays: [], catchUpSchoolDays: Defaults.catchUpSchoolDays)
        codes = try object.optional("codes") ?? Codes(map: [:], unknown: Defaults.unknownCodes)
        dfe = try object.required("dfe")
        schools = try object.required("schools")
        alerts = try object.optional("alerts") ?? Alerts(pendingSchoolDays: Defaults.pendingSchoolDays)
        guard !schools.isEmpty else { throw object.invalid("schools", "at least one school is required") }
        // URN → index of its first school, so that a duplicate names both places.
        var seen: [String: Int] = [:]
        for (index, school) in schools.enumerated() {
            if let first = seen[school.urn] {
                throw ConfigurationError.invalid(
                    key: object.keyPath("schools") + "[\(index)].urn",
                    message: "duplicate URN \(school.urn) (also schools[\(first)])")
            }
            seen[school.urn] = index
        }
    }
}

extension Configuration.Window: Decodable {
    /// `schoolDays` 1–366 (default 8), `catchUpSchoolDays` 0–366 (default 20; 0 turns catch-up off),
    /// `nonSchoolDays` real `YYYY-MM-DD` dates (a weekend date may be listed and changes nothing).
    package init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["schoolDays", "nonSchoolDays", "catchUpSchoolDays"])
        schoolDays = try object.integer("schoolDays") ?? Configuration.Defaults.schoolDays
        guard (1...366).contains(schoolDays) else {
            throw object.invalid("schoolDays", "must be a whole number from 1 to 366, not \(schoolDays)")
        }
        catchUpSchoolDays = try object.integer("catchUpSchoolDays") ?? Configuration.Defaults.catchUpSchoolDays
        guard (0...366).contains(catchUpSchoolDays) else {
            throw object.invalid("catchUpSchoolDays", "must be a whole number from 0 (off) to 366, not \(catchUpSchoolDays)")
        }
        nonSchoolDays = try object.days("nonSchoolDays")
    }
}

extension Configuration.Codes: Decodable {
    /// Each `map` key must be non-empty and each value a national code on some date; `unknown` is `fail`
    /// (default) or `skip` (docs/mis-schema.md rule 4). Checked in key order so the error reported is stable.
    package init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["map", "unknown"])
        map = try object.optional("map") ?? [:]
        for (local, national) in map.sorted(by: { $0.key < $1.key }) {
            guard !local.isEmpty else { throw object.invalid("map", "an empty code cannot be mapped") }
            guard Catalogue.isNationalCode(national) else {
                throw ConfigurationError.invalid(
                    key: object.keyPath("map") + "." + local,
                    message:
                        "\"\(national)\" is not a national attendance code; map \(local) to one of the codes in docs/attendance-codes.md")
            }
        }
        let policy: String = try object.optional("unknown") ?? Configuration.Defaults.unknownCodes.rawValue
        guard let parsed = Configuration.UnknownCodePolicy(rawValue: policy) else {
            throw object.invalid("unknown", "must be \"fail\" or \"skip\", not \"\(policy)\"")
        }
        unknown = parsed
    }
}

extension Configuration.Token: Decodable {
    /// `url` https (http to loopback for tests); `clientId` one line of printable text, because it is also
    /// sent as the `api-client-app-id` header and a line break there would forge another header; `scope`
    /// `api://attendance/.default` unless given (an empty one sends none); `authMethod` per docs/dfe-contract.md §1.
    package init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["url", "clientId", "clientSecret", "scope", "authMethod"])
        url = try object.url("url")
        clientId = try object.required("clientId")
        guard !clientId.isEmpty, !clientId.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) else {
            throw object.invalid("clientId", "must not be empty or hold control characters")
        }
        clientSecret = try object.required("clientSecret")
        // An empty scope sends none.
        let scope: String = try object.optional("scope") ?? Configuration.Defaults.scope
        self.scope = scope.isEmpty ? nil : scope
        let method: String = try object.optional("authMethod") ?? Configuration.Defaults.authMethod.rawValue
        guard let parsed = Configuration.AuthMethod(rawValue: method) else {
            throw object.invalid("authMethod", "must be \"client_secret_post\" or \"client_secret_basic\", not \"\(method)\"")
        }
        authMethod = parsed
    }
}

extension Configuration.Retry: Decodable {
    /// `attempts` at least 1 (default 5); delays in seconds, each in (0, 86400] (defaults 2, 60 and 600);
    /// `maxDelaySeconds` not below `baseDelaySeconds` (docs/dfe-contract.md §4, "Retries").
    package init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["attempts", "baseDelaySeconds", "maxDelaySeconds", "maxElapsedSeconds"])
        let defaults = Configuration.Defaults.retry
        attempts = try object.integer("attempts") ?? defaults.attempts
        guard attempts >= 1 else { throw object.invalid("attempts", "must be at least 1, not \(attempts)") }
        baseDelaySeconds = try object.positive("baseDelaySeconds") ?? defaults.baseDelaySeconds
        maxDelaySeconds = try object.positive("maxDelaySeconds") ?? defaults.maxDelaySeconds
        maxElapsedSeconds = try object.positive("maxElapsedSeconds") ?? defaults.maxElapsedSeconds
        guard maxDelaySeconds >= baseDelaySeconds else {
            throw object.invalid("maxDelaySeconds", "must not be less than baseDelaySeconds")
        }
    }
}

extension Configuration.DfE: Decodable {
    /// `endpoint` https (http to loopback for tests); `token` required; `subscriptionKey` an optional secret
    /// reference; `caBundle` a path, whose content `Configuration.load` checks; `timeoutSeconds` default 30;
    /// `concurrency` 1 to `Configuration.maximumConcurrency`, default 4.
    package init(from decoder: any Decoder) throws {
        let object = try ConfigObject(
            decoder,
            keys: [
                "endpoint", "token", "subscriptionKey", "caBundle", "timeoutSeconds", "retry", "concurrency",
            ])
        endpoint = try object.url("endpoint")
        token = try object.required("token")
        subscriptionKey = try object.optional("subscriptionKey")
        caBundle = try object.path("caBundle")
        timeoutSeconds = try object.positive("timeoutSeconds") ?? Configuration.Defaults.timeoutSeconds
        retry = try object.optional("retry") ?? Configuration.Defaults.retry
        concurrency = try object.integer("concurrency") ?? Configuration.Defaults.concurrency
        guard (1...Configuration.maximumConcurrency).contains(concurrency) else {
            throw object.invalid("concurrency", "must be from 1 to \(Configuration.maximumConcurrency), not \(concurrency)")
        }
    }
}

extension Configuration.Source: Decodable {
    /// `path` required; `views` may define only the canonical relations. A view's SELECT is checked only when
    /// the copy is opened (`SourceDatabase`), since it needs the copy's own tables.
    package init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["path", "views", "timeoutSeconds"])
        guard let path = try object.path("path") else { throw object.missing("path") }
        self.path = path
        views = try object.optional("views") ?? [:]
        timeoutSeconds = try object.positive("timeoutSeconds") ?? Configuration.Defaults.sourceTimeoutSeconds
        for name in views.keys.sorted() where !Configuration.canonicalRelations.contains(name) {
            throw ConfigurationError.invalid(
                key: object.keyPath("views") + "." + name,
                message: "unknown relation; views define \(Configuration.canonicalRelations.joined(separator: " and "))")
        }
    }
}

extension Configuration.School: Decodable {
    /// `urn` a JSON number or a string of six digits, 100000–999999, kept as text; `name` optional;
    /// `source` required.
    package init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["urn", "name", "source", "nonSchoolDays"])
        let urn: String
        if (try? object.optional("urn") as Double?) != nil {
            // A number: it must be whole ("expected a whole number", not "expected a string").
            urn = String(try object.integer("urn") ?? 0)
        } else {
            guard let text: String = try object.optional("urn") else { throw object.missing("urn") }
            urn = text
        }
        guard urn.count == 6, urn.allSatisfy({ $0.isASCII && $0.isNumber }), urn.first != "0" else {
            throw object.invalid("urn", "\"\(urn)\" is not a URN: a URN is exactly six digits, 100000 to 999999")
        }
        self.urn = urn
        name = try object.optional("name") ?? ""
        source = try object.required("source")
        nonSchoolDays = try object.days("nonSchoolDays")
    }
}

extension SecretReference: Decodable {
    /// `{"env": "NAME"}` or `{"file": "PATH"}`, exactly one of them.
    /// - Throws: `ConfigurationError.inlineSecret` for a plain string, which can only be the secret itself
    ///   written into the file; `.invalid` for any other shape.
    package init(from decoder: any Decoder) throws {
        if (try? decoder.singleValueContainer().decode(String.self)) != nil {
            throw ConfigurationError.inlineSecret(key: ConfigObject.keyPath(decoder.codingPath))
        }
        let object = try ConfigObject(decoder, keys: ["env", "file"])
        let env: String? = try object.optional("env")
        let file = try object.path("file")
        switch (env, file) {
        case (let name?, nil) where !name.isEmpty: self = .environment(name)
        case (nil, let path?): self = .file(path)
        default:
            throw ConfigurationError.invalid(
                key: ConfigObject.keyPath(decoder.codingPath),
                message: "a secret is {\"env\": \"NAME\"} or {\"file\": \"PATH\"}")
        }
    }
}

extension Configuration.Alerts: Decodable {
    /// `pendingSchoolDays` 1–366 (default 2).
    package init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["pendingSchoolDays"])
        pendingSchoolDays = try object.integer("pendingSchoolDays") ?? Configuration.Defaults.pendingSchoolDays
        guard (1...366).contains(pendingSchoolDays) else {
            throw object.invalid("pendingSchoolDays", "must be a whole number of school days from 1 to 366, not \(pendingSchoolDays)")
        }
    }
}
