import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// `--log-format json` and the atomic write behind `--metrics-file`.
@Suite struct ObserveSupportTests {
    /// A console that keeps what it writes.
    final class Capture: @unchecked Sendable {
        private let lock = NSLock()
        private var written: [(Console.Stream, String)] = []
        var err: String { lock.withLock { written.filter { $0.0 == .err }.map(\.1).joined() } }
        var out: String { lock.withLock { written.filter { $0.0 == .out }.map(\.1).joined() } }
        func console(_ format: LogFormat, verbose: Bool = false) -> Console {
            var console = Console(verbose: verbose) { stream, text in self.lock.withLock { self.written.append((stream, text)) } }
            console.logFormat = format
            return console
        }
    }

    @Test func theHumanFormatIsTheTextAsItWas() {
        let capture = Capture()
        let console = capture.console(.human)
        console.problem("attsync: ✗ Sample Primary (URN 100000): no consent")
        console.note("note: a note")
        #expect(capture.err == "attsync: ✗ Sample Primary (URN 100000): no consent\nnote: a note\n")
    }

    @Test func jsonIsOneObjectPerLineWithLevelMessageAndURN() throws {
        let capture = Capture()
        let console = capture.console(.json, verbose: true)
        console.problem(
            "attsync: ✗ Sample Primary (URN 100000): the MIS copy has 3 invalid rows; fix them at source:\n  2 rows")
        console.problem("attsync: warning: two schools read one copy")
        console.note("note: data quality for Sample Primary (URN 100001): 2 marks")
        console.problem("attsync: ✗ URN 100002: no consent", urn: "100002")
        console.detail("token requests this run: 1")
        console.result("✓ sent\n")
        console.problem("attsync: alert: … Sample Primary (URN 100000) since Mon 23 Nov 2026; Sample Academy (URN 100001) since …")
        console.warning("attsync: ⚠ Sample Primary (URN 100000): Year 8 PM register not taken")
        let lines = capture.err.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 7, "one line per message, a line break inside a message escaped")
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]) }
        #expect(objects.map { $0["level"] } == ["error", "warning", "info", "error", "debug", "error", "warning"])
        #expect(
            objects.map { $0["urn"] } == ["100000", nil, "100001", "100002", nil, nil, "100000"],
            "a message naming two schools is filed under neither")
        #expect(objects[0]["message"]?.hasPrefix("✗ Sample Primary (URN 100000): the MIS copy has 3 invalid rows") == true)
        #expect(objects[0]["message"]?.contains("\n  2 rows") == true)
        #expect(objects[1]["message"] == "warning: two schools read one copy")
        let times = objects.compactMap { $0["time"] }.compactMap {
            try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0)
        }
        #expect(times.count == objects.count)
        #expect(capture.out == "✓ sent\n", "results on stdout are never JSON")
    }

    @Test func aFileIsReplacedWholeAndReadableByOthers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("attsync.prom")
        try AtomicFile.write(Array("first\n".utf8), to: path)
        try AtomicFile.write(Array("second\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        var status = stat()
        stat(path, &status)
        #expect(status.st_mode & 0o777 == 0o644, "node_exporter runs as another user")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["attsync.prom"], "no temporary file is left")
    }

    @Test func aFailureMidWriteNeverLeavesAHalfFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("attsync.prom")
        try AtomicFile.write(Array("attsync_run_exit_code 0\n".utf8), to: path)
        let temporary = AtomicFile.temporaryPath(for: path)
        #expect(temporary != path && !temporary.hasSuffix(".prom"), "the collector reads only *.prom: it never sees the temporary file")
        #expect((temporary as NSString).deletingLastPathComponent == directory.path, "same directory: the rename is atomic")
        var calls = 0
        var sawTemporary = false
        let big = Array(String(repeating: "attsync_school_dates_pending{urn=\"100000\"} 3\n", count: 1000).utf8)
        #expect(throws: AtomicFile.Failure.self) {
            try AtomicFile.write(big, to: path) { descriptor, buffer in
                calls += 1
                sawTemporary = FileManager.default.fileExists(atPath: temporary)
                if calls == 1 { return Glibc.write(descriptor, buffer.baseAddress, buffer.count / 2) }  // half the bytes
                errno = ENOSPC
                return -1
            }
        }
        #expect(calls == 2 && sawTemporary, "the bytes went to the temporary file")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "attsync_run_exit_code 0\n", "the old file is whole and unchanged")
        #expect(!FileManager.default.fileExists(atPath: temporary), "the half-written temporary file is removed")
    }

    @Test func aDirectoryThatCannotBeWrittenIsAnErrorNamingThePath() {
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.write([], to: "/nonexistent-directory/attsync.prom") }
        #expect(AtomicFile.Failure(path: "/x", reason: "No such file or directory").exitStatus == .ioError)
    }
}
