/// The one builder of attsync configuration files for tests: every suite (unit, end-to-end, stand-in)
/// writes its configuration through `configurationText`, so a new required key is added in one place.

/// A configuration file: `extra` top-level keys (JSON text, without braces) first, then `codes` (when
/// given), `dfe` and `schools`.
public func configurationText(extra: String = "", codes: String? = nil, dfe: String, schools: String) -> String {
    """
    {
      \(extra.isEmpty ? "" : extra + ",")
      \(codes.map { "\"codes\": \($0)," } ?? "")
      "dfe": \(dfe),
      "schools": \(schools)
    }
    """
}

/// A `dfe` object sending to `base` (`/attendances` and `/token`), with the client secret in the
/// environment variable `secretVariable`; `more` adds keys (JSON text, without braces).
public func dfeText(base: String, clientId: String = "attsync-client", secretVariable: String, scope: String? = nil, more: String = "")
    -> String
{
    """
    {
        "endpoint": "\(base)/attendances",
        "token": { "url": "\(base)/token", "clientId": "\(clientId)", "clientSecret": { "env": "\(secretVariable)" }\(scope.map { #", "scope": "\#($0)""# } ?? "") }\(more.isEmpty ? "" : ",\n    " + more)
      }
    """
}

/// A list of one school.
public func oneSchoolText(name: String, path: String = "mis.sqlite") -> String {
    #"[{ "urn": "100000", "name": "\#(name)", "source": { "path": "\#(path)" } }]"#
}

/// The local codes of the generated sample schools, mapped to national ones.
public let sampleCodesText = #"{ "map": { "I02": "I", "X01": "X", "V01": "V" } }"#
