/// One line of `attsync check`: what was checked, what was found, and for a failure how to fix it.
package struct CheckLine: Sendable, Equatable {
    /// Passed, failed (with the exit code of its class), or not checked (with the reason in `text`).
    package enum Outcome: Sendable, Equatable {
        case pass
        case fail(ExitStatus)
        case skipped
    }

    package var outcome: Outcome
    /// What was checked and what was found, in words.
    package var text: String
    /// For a failure: what to do (a command where there is one).
    package var fix: String?

    package static func pass(_ text: String) -> CheckLine { CheckLine(outcome: .pass, text: text, fix: nil) }
    package static func fail(_ status: ExitStatus, _ text: String, fix: String?) -> CheckLine {
        CheckLine(outcome: .fail(status), text: text, fix: fix)
    }
    package static func skipped(_ text: String) -> CheckLine { CheckLine(outcome: .skipped, text: text, fix: nil) }

    /// The exit code of a failed line.
    package var failure: ExitStatus? {
        if case .fail(let status) = outcome { return status }
        return nil
    }
}

/// A group of lines under a heading (the configuration, a school, the online checks).
package struct CheckSection: Sendable, Equatable {
    /// nil for the first section, whose lines are not indented.
    package var title: String?
    package var lines: [CheckLine]
}

/// What `attsync check` prints.
enum CheckRenderer {
    /// Every section, each line as `✓`, `✗` (with `fix:` under it) or `–` (not checked), and the summary.
    /// - Parameter failuresOnly: `--quiet`: only the failed lines and their headings.
    static func render(_ sections: [CheckSection], heading: String, failuresOnly: Bool) -> String {
        var out = failuresOnly ? "" : heading + "\n"
        for section in sections {
            let lines = failuresOnly ? section.lines.filter { $0.failure != nil } : section.lines
            guard !lines.isEmpty else { continue }
            let indent = section.title == nil ? "" : "  "
            if let title = section.title { out += title + "\n" }
            for line in lines {
                let mark =
                    switch line.outcome {
                    case .pass: "✓"
                    case .fail: "✗"
                    case .skipped: "–"
                    }
                out += "\(indent)\(mark) \(line.text)\n"
                if let fix = line.fix, line.failure != nil { out += "\(indent)    fix: \(fix)\n" }
            }
        }
        let failures = sections.flatMap(\.lines).compactMap(\.failure)
        if let first = failures.first {
            out +=
                "✗ \(counted(failures.count, "check")) failed; exit \(first.rawValue) (the first failure's). Fix them and run attsync check again.\n"
        } else if !failuresOnly {
            out += "✓ every check passed.\n"
        }
        return out
    }
}
