import Foundation

/// A directory under the system temporary directory, removed by `remove()` (call it in `defer`).
public struct TemporaryDirectory {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "attsync-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    public func write(_ name: String, _ text: String, mode: Int = 0o644) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        chmod(target, mode_t(mode))
        return target
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The repository's top directory, from this file's path.
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url.path
}()

/// Runs a program to completion and returns its exit status and output.
///
/// Output goes through temporary files, not pipes: a long-lived child started meanwhile by another test
/// (the DfE stand-in) could inherit a pipe's write end and keep it open for ever.
@discardableResult
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil)
    throws -> (status: Int32, stdout: String, stderr: String)
{
    let scratch = try TemporaryDirectory()
    defer { scratch.remove() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let input = try scratch.write("stdin", stdin ?? "")
    FileManager.default.createFile(atPath: scratch.file("stdout"), contents: nil)
    FileManager.default.createFile(atPath: scratch.file("stderr"), contents: nil)
    process.standardInput = FileHandle(forReadingAtPath: input)
    process.standardOutput = FileHandle(forWritingAtPath: scratch.file("stdout"))
    process.standardError = FileHandle(forWritingAtPath: scratch.file("stderr"))
    try process.run()
    process.waitUntilExit()
    let out = FileManager.default.contents(atPath: scratch.file("stdout")) ?? Data()
    let err = FileManager.default.contents(atPath: scratch.file("stderr")) ?? Data()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}

/// Writes a generated sample school with scripts/make-sample-school.py.
public func generateSchool(at path: String, arguments: [String]) throws {
    let result = try runProcess(
        "/usr/bin/env", ["python3", repositoryRoot + "/scripts/make-sample-school.py", "--out", path] + arguments)
    guard result.status == 0 else { throw FixtureError(message: "make-sample-school failed: \(result.stderr)") }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
