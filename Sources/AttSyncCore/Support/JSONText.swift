import Foundation

/// JSON text written by hand: for the request body, whose bytes must be fixed by attsync alone, and for
/// binding a list or a map to one SQL parameter (`json_each(?)`).

/// A JSON string literal: quotes, backslashes and control characters escaped, nothing else.
///
/// In a request body only `"` and `\` (the afternoon present mark) ever need escaping, since no national
/// code or year group holds a control character; that is the form docs/dfe-contract.md §2 promises.
/// Non-ASCII passes through as UTF-8, never as `\u` escapes, so the bytes are those of the text.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// A JSON array of strings.
/// Bound as one parameter and read with `json_each(?)` (the run's dates, the national year groups, the
/// URNs of `history`), and stored as `submissions.dates`.
func jsonArray(_ values: [String]) -> String {
    "[" + values.map(jsonString).joined(separator: ",") + "]"
}

/// A JSON object of strings with sorted keys.
/// Keys are sorted so that the same map always gives the same text. Binds `codes.map` for the
/// `json_each` join in `Aggregator.tallyMarks`.
func jsonObject(_ values: [String: String]) -> String {
    "{" + values.sorted { $0.key < $1.key }.map { jsonString($0.key) + ":" + jsonString($0.value) }.joined(separator: ",") + "}"
}
