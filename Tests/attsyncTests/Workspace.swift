import Foundation
import TestSupport

/// A directory with a generated school and a configuration, and a way to run the built `attsync` in it.
struct Workspace {
    let directory: TemporaryDirectory

    /// The built executable, beside the test bundle.
    static let executable: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("attsync").path
        return FileManager.default.fileExists(atPath: beside) ? beside : repositoryRoot + "/.build/debug/attsync"
    }()

    /// - Parameters:
    ///   - generator: arguments for scripts/make-sample-school.py, or nil for no MIS copy.
    ///   - configuration: the configuration text (see `Workspace.configuration`).
    init(generator: [String]? = ["--seed", "7", "--pupils", "40"], configuration: String = Workspace.configuration()) throws {
        directory = try TemporaryDirectory()
        if let generator { try generateSchool(at: directory.file("mis.sqlite"), arguments: generator) }
        try directory.write("config.json", configuration)
    }

    /// A configuration for one school (or `schools`), with `extra` top-level keys.
    static func configuration(extra: String = "", schools: String? = nil, endpoint: String = "https://127.0.0.1:9") -> String {
        configurationText(
            extra: extra, codes: sampleCodesText, dfe: dfeText(base: endpoint, secretVariable: "ATTSYNC_CLIENT_SECRET"),
            schools: schools ?? oneSchoolText(name: "Sample Primary"))
    }

    func file(_ name: String) -> String { directory.file(name) }

    /// Runs `attsync` with `--config` pointing at this workspace (unless `config` is false).
    func run(_ arguments: [String], config: Bool = true, environment: [String: String] = [:])
        throws -> (status: Int32, stdout: String, stderr: String)
    {
        var env = ProcessInfo.processInfo.environment
        env["ATTSYNC_CONFIG"] = nil
        env["NO_COLOR"] = "1"
        env.merge(environment) { $1 }
        return try runProcess(Workspace.executable, arguments + (config ? ["--config", file("config.json")] : []), environment: env)
    }

    /// Runs a short Python script (with `sqlite3` imported) in this workspace.
    func python(_ script: String) throws {
        let result = try runProcess("/usr/bin/env", ["python3", "-c", "import sqlite3, os\nos.chdir('\(directory.path)')\n" + script])
        guard result.status == 0 else { throw FixtureError(message: "python failed: \(result.stderr)") }
    }

    func remove() { directory.remove() }
}
