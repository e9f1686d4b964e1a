/// A strict JSON syntax check (RFC 8259) that reports where the first error is, by line and column.
///
/// Foundation's parser says only "not valid JSON"; a person fixing a config file by hand needs the
/// position. Decoding proper is left to `JSONDecoder` once this check passes. Duplicate keys are
/// reported here too, because `JSONDecoder` silently keeps one of them.
struct JSONSyntaxError: Error, Equatable {
    /// 1 for the first line.
    let line: Int
    /// 1 for the first character; counted in characters, not bytes, so it matches what an editor shows.
    let column: Int
    /// What was expected or found, in words ("trailing comma before '}'").
    let message: String
}

/// The checker: recursive descent over the raw bytes, building no values. Nesting deeper than 100 levels
/// is refused, so a malformed file cannot exhaust the stack.
struct JSONSyntax {
    private let bytes: [UInt8]
    private var index = 0

    /// - Throws: `JSONSyntaxError` at the first error; a BOM, invalid UTF-8, an empty file and text after the
    ///   value are errors too.
    static func check(_ bytes: [UInt8]) throws(JSONSyntaxError) {
        var parser = JSONSyntax(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw parser.error("the file starts with a byte-order mark (BOM); save it as UTF-8 without a BOM")
        }
        if let bad = firstInvalidUTF8(bytes) {
            parser.index = bad
            throw parser.error("invalid UTF-8 (byte 0x\(String(bytes[bad], radix: 16, uppercase: true))); save the file as UTF-8")
        }
        parser.skipWhitespace()
        guard parser.index < bytes.count else { throw parser.error("the file is empty") }
        try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.index < bytes.count { throw parser.error("unexpected text after the end of the JSON value") }
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// The offset of the first byte that does not belong to well-formed UTF-8, or nil.
    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// An error at the current position, its line and column counted from the start of the file.
    private func error(_ message: String) -> JSONSyntaxError {
        var line = 1
        var column = 1
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // count characters, not UTF-8 continuation bytes
                column += 1
            }
        }
        return JSONSyntaxError(line: line, column: column, message: message)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Space, tab, CR and LF only, as RFC 8259 says: a byte-order mark or a non-breaking space is an error.
    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    /// Consumes `true`, `false` or `null`, failing at the first byte that differs.
    private mutating func expect(_ literal: String) throws(JSONSyntaxError) {
        for byte in literal.utf8 {
            guard current == byte else { throw error("expected \(literal)") }
            index += 1
        }
    }

    /// One value of any kind; `depth` counts the objects and arrays around it.
    private mutating func value(depth: Int) throws(JSONSyntaxError) {
        guard depth < 100 else { throw error("nested too deeply") }
        skipWhitespace()
        guard let byte = current else { throw error("unexpected end of file") }
        switch byte {
        case UInt8(ascii: "{"): try object(depth: depth)
        case UInt8(ascii: "["): try array(depth: depth)
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try expect("true")
        case UInt8(ascii: "f"): try expect("false")
        case UInt8(ascii: "n"): try expect("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default:
            if byte == UInt8(ascii: "'") { throw error("strings must use double quotes") }
            throw error("unexpected character '\(Unicode.Scalar(byte))'")
        }
    }

    /// An object, from its `{`: keys in double quotes and unique, no trailing comma.
    private mutating func object(depth: Int) throws(JSONSyntaxError) {
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return
        }
        var keys = Set<String>()
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw error(current == nil ? "unexpected end of file" : "expected a key in double quotes")
            }
            let keyStart = index
            let key = try string()
            // Compared decoded: "endpoin\u0074" is the key "endpoint", and JSONDecoder would keep one of the two.
            guard keys.insert(key).inserted else {
                index = keyStart
                throw error("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            index += 1
            try value(depth: depth + 1)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if current == UInt8(ascii: "}") { throw error("trailing comma before '}'") }
            case UInt8(ascii: "}"):
                index += 1
                return
            case nil: throw error("unexpected end of file: missing '}'")
            default: throw error("expected ',' or '}'")
            }
        }
    }

    /// An array, from its `[`: no trailing comma.
    private mutating func array(depth: Int) throws(JSONSyntaxError) {
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try value(depth: depth + 1)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if current == UInt8(ascii: "]") { throw error("trailing comma before ']'") }
            case UInt8(ascii: "]"):
                index += 1
                return
            case nil: throw error("unexpected end of file: missing ']'")
            default: throw error("expected ',' or ']'")
            }
        }
    }

    /// Reads a string and returns its decoded text (escapes resolved, so that keys compare as the decoder
    /// will see them). A `\u` escape of half a surrogate pair without its other half is refused.
    private mutating func string() throws(JSONSyntaxError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var run = index  // start of the bytes not yet copied
        func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars) }
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                flush(index)
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(index)
                let escapeStart = index
                index += 1
                guard let escaped = current else { throw error("unexpected end of file in a string") }
                switch escaped {
                case UInt8(ascii: "u"):
                    var unit = try hex4()
                    if (0xD800..<0xDC00).contains(unit) {
                        guard bytes[(index + 1)...].starts(with: Array("\\u".utf8)) else {
                            index = escapeStart
                            throw error("lone surrogate \\u\(String(unit, radix: 16, uppercase: true)) (half of a character)")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else {
                            index = escapeStart
                            throw error("lone surrogate \\u\(String(unit, radix: 16, uppercase: true)) (half of a character)")
                        }
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(unit) {
                        index = escapeStart
                        throw error("lone surrogate \\u\(String(unit, radix: 16, uppercase: true)) (half of a character)")
                    }
                    scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escaped))
                default: throw error("bad escape '\\\(Unicode.Scalar(escaped))'")
                }
                index += 1
                run = index
            case 0..<0x20:
                throw error("control character in a string (a line break needs \\n)")
            default:
                index += 1
            }
        }
        throw error("unexpected end of file in a string")
    }

    /// Reads the four hex digits after `\u` (the index is on the `u`) and leaves the index on the last one.
    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            index += 1
            guard let digit = current, let nibble = Self.hexValue(digit) else { throw error("bad \\u escape") }
            value = value << 4 | nibble
        }
        return value
    }

    /// The value of one hex digit, nil for any other byte.
    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// A number in RFC 8259's grammar: no leading zero, no `+`, no `.5` or `5.`, no hex; one beyond a Double's
    /// range (`1e400`) is refused here too, with its position.
    private mutating func number() throws(JSONSyntaxError) {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, first.isDigit else { throw error("bad number") }
        index += 1
        if first != UInt8(ascii: "0") { while current?.isDigit == true { index += 1 } }
        if current == UInt8(ascii: ".") {
            index += 1
            guard current?.isDigit == true else { throw error("bad number: digits expected after '.'") }
            while current?.isDigit == true { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard current?.isDigit == true else { throw error("bad number: digits expected in the exponent") }
            while current?.isDigit == true { index += 1 }
        }
        // 1e400 is valid JSON but no number attsync can hold: say where, not "not valid JSON".
        guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)), value.isFinite else {
            index = start
            throw error("number out of range")
        }
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
}
