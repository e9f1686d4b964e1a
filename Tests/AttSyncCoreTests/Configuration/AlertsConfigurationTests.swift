import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// `alerts.pendingSchoolDays`: its default, its range, and strict keys under `alerts`.
@Suite struct AlertsConfigurationTests {
    func load(_ extra: String) throws -> Configuration {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try Configuration.load(path: directory.write("config.json", configurationJSON(extra: extra)))
    }

    @Test func twoSchoolDaysUnlessConfigured() throws {
        #expect(try load("").alerts.pendingSchoolDays == 2)
        #expect(try load(#""alerts": {}"#).alerts.pendingSchoolDays == 2)
        #expect(try load(#""alerts": {"pendingSchoolDays": 5}"#).alerts.pendingSchoolDays == 5)
    }

    @Test(arguments: [
        (#""alerts": {"pendingSchoolDays": 0}"#, "alerts.pendingSchoolDays"),
        (#""alerts": {"pendingSchoolDays": 400}"#, "alerts.pendingSchoolDays"),
        (#""alerts": {"pendingSchoolDays": "2"}"#, "alerts.pendingSchoolDays"),
        (#""alerts": {"pendingSchooldays": 2}"#, "alerts.pendingSchooldays"),
        (#""alert": {"pendingSchoolDays": 2}"#, "alert"),
    ])
    func badValuesAndUnknownKeysAreErrorsNamingTheKey(extra: String, key: String) {
        #expect {
            _ = try load(extra)
        } throws: { error in
            "\(error)".hasPrefix(key + ":")
        }
    }
}
