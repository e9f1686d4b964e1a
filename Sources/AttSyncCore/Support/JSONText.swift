import Foundation

/// JSON text written by hand: for the request body, whose bytes must be fixed by attsync alone, and for
/// binding a list or a map to one SQL parameter (`json_each(?)`).

/// A JSON string literal: quotes, backslashes and control characters escaped, nothing else.
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
func jsonArray(_ values: [String]) -> String {
    "[" + values.map(jsonString).joined(separator: ",") + "]"
}

/// A JSON object of strings with sorted keys.
func jsonObject(_ values: [String: String]) -> String {
    "{" + values.sorted { $0.key < $1.key }.map { jsonString($0.key) + ":" + jsonString($0.value) }.joined(separator: ",") + "}"
}
