import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// Seeded fuzzing of everything that parses outside input: the configuration file and every parser of a
/// server's answer. Each case must end in a result or the parser's own error, never a crash, and a
/// token that is accepted must be safe to put in a header.
@Suite struct FuzzTests {
    /// Bytes that break JSON in interesting ways.
    static let alphabet: [UInt8] =
        Array("{}[],:\"\\/ 0123456789.eE+-tfnul\n\r\t".utf8) + [0, 0x1B, 0x7F, 0xC3, 0xA9, 0xE2, 0x80, 0xFF, 0xFE, 0xEF]

    /// `text` with `count` random edits: deletions, insertions from `alphabet`, and copies of a slice.
    func mutate(_ text: [UInt8], _ count: Int, _ random: inout SeededRandom) -> [UInt8] {
        var bytes = text
        for _ in 0..<count {
            let index = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where !bytes.isEmpty: bytes.remove(at: index)
            case 1: bytes.insert(Self.alphabet.randomElement(using: &random)!, at: index)
            case 2 where !bytes.isEmpty: bytes[index] = Self.alphabet.randomElement(using: &random)!
            default:
                let end = min(bytes.count, index + Int.random(in: 1...12, using: &random))
                bytes.insert(contentsOf: bytes[index..<end], at: min(bytes.count, end))
            }
        }
        return bytes
    }

    @Test func theConfigurationLoaderAnswersEveryMutationWithAResultOrAConfigurationError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let valid = Array(
            configurationJSON(
                extra:
                    #""timeZone": "Europe/London", "window": {"schoolDays": 8, "nonSchoolDays": ["2026-12-21"]}, "codes": {"map": {"I02": "I"}}"#
            ).utf8)
        var random = SeededRandom(state: 20_261_129)
        var outcomes = (loaded: 0, refused: 0)
        let path = directory.file("config.json")
        for _ in 0..<1_500 {
            let bytes = mutate(valid, Int.random(in: 1...6, using: &random), &random)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Configuration.load(path: path)
                outcomes.loaded += 1
            } catch {
                #expect(!error.description.isEmpty)
                #expect(ExitStatus(for: error) == .configuration, "\(error)")
                outcomes.refused += 1
            }
        }
        #expect(outcomes.refused > 1_000 && outcomes.loaded > 0, "the mutations reach both outcomes: \(outcomes)")
    }

    @Test func theDfEAnswerReaderTakesAnyBytes() {
        let valid = Array(
            #"{"submissionRef":"SUB-1","errors":[{"code":"VAL104","title":"Invalid code","detail":"ZZ","path":"$.submissionData[3]"}]}"#
                .utf8)
        var random = SeededRandom(state: 7)
        for _ in 0..<5_000 {
            let answer = DfEAnswer(mutate(valid, Int.random(in: 1...8, using: &random), &random))
            for text in [answer.reference] + answer.errors.flatMap({ [$0.code, $0.title, $0.detail, $0.path] }) {
                #expect(text.map { visible($0) == $0 } ?? true, "server text is kept printable")
            }
        }
    }

    @Test func theTokenParserNeverAcceptsAnUnsafeToken() {
        let valid = Array(#"{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0eXAi.abc-_~+/=="}"#.utf8)
        var random = SeededRandom(state: 11)
        var accepted = 0
        for _ in 0..<5_000 {
            do {
                let (token, lifetime) = try TokenProvider.parse(mutate(valid, Int.random(in: 1...4, using: &random), &random))
                #expect(isBearerToken(token) && lifetime > 0 && lifetime.isFinite)
                accepted += 1
            } catch {
                guard case .tokenResponseInvalid = error else { Issue.record("\(error)"); continue }
            }
        }
        #expect(accepted > 0)
    }

    @Test func theJSONSyntaxCheckTakesAnyBytes() {
        var random = SeededRandom(state: 3)
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! }
            do {
                try JSONSyntax.check(bytes)
            } catch {
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
    }
}
