import Foundation

/// The exact request body for one school, built once per run and sent byte for byte on every attempt.
///
/// The JSON is written by hand, not by `JSONEncoder`, so that field order, number form and escaping are
/// fixed by this file alone: the same figures always give the same bytes (docs/dfe-contract.md).
///
/// The fourth stage of the pipeline (figures → payload): `SchoolRun.prepare` builds it, `preview --json`
/// prints `body` as it is, `send` records it in `submissions` before the first byte goes out, and the
/// transport sends it. It carries counts only, never a pupil identifier.
package struct Payload: Sendable, Equatable {
    /// The school's URN as configured (six digits); sent as a JSON number.
    package let urn: String
    /// The dates carried, ascending.
    /// Only dates with marks: a date without is not sent (docs/dfe-contract.md §3).
    package let days: [Day]
    /// The body: compact JSON followed by one newline.
    package let body: [UInt8]
    /// Hex SHA-256 of `body`; the Idempotency-Key.
    /// Also how `SendDecision` tells an unchanged body from the last accepted one.
    package let sha256: String
    /// Hex SHA-256 of each date's elements, to tell which dates changed since they were last accepted.
    /// A date's digest covers its elements only, not `totalNoOfPupils`, so a change elsewhere in the body does
    /// not mark the date as changed. Stored in `accepted_days` when the DfE accepts the body.
    package let dayDigests: [Day: String]
    /// How many `submissionData` elements the body holds.
    package let elementCount: Int

    /// Builds the body for the dates of `sending` that have marks, in contract order: date ascending, then
    /// year group in catalogue order (those with pupils on roll), then AM before PM; attendances in the
    /// code order of the date's code set, zero counts left out.
    /// - Parameter sending: the dates to send (the window and catch-up days); dates of `figures` outside it
    ///   are left out.
    package init(urn: String, figures: SchoolFigures, sending: Set<Day>) {
        self.urn = urn
        var elements: [String] = []
        var days: [Day] = []
        var digests: [Day: String] = [:]
        for day in figures.days where sending.contains(day.day) && day.hasMarks {
            let codeSet = Catalogue.codeSet(on: day.day)
            var dayElements: [String] = []
            for yearGroup in Catalogue.yearGroups {
                // A year group with pupils on roll is sent even with no marks (`"attendances":[]`, docs/dfe-contract.md
                // §2): its `noOfPupilsOnRoll` then shows a register that was not taken.
                guard let onRoll = day.onRoll[yearGroup], onRoll > 0 else { continue }
                for session in Session.allCases {
                    let counts = day[session].counts[yearGroup] ?? [:]
                    let attendances = codeSet.codes.compactMap { code -> String? in
                        guard let value = counts[code.code], value > 0 else { return nil }
                        return "{\"attendanceCode\":\(jsonString(code.code)),\"value\":\(value)}"
                    }
                    dayElements.append(
                        "{\"ncYearGroup\":\(jsonString(yearGroup)),\"date\":\"\(day.day)\",\"schoolSession\":\"\(session.rawValue)\","
                            + "\"noOfPupilsOnRoll\":\(onRoll),\"attendances\":[\(attendances.joined(separator: ","))]}")
                }
            }
            days.append(day.day)
            digests[day.day] = hexSHA256(Array(dayElements.joined(separator: ",").utf8))
            elements += dayElements
        }
        let text =
            // The URN was checked to be six digits when the configuration was read, so the fallback never applies.
            "{\"urn\":\(Int(urn) ?? 0),\"totalNoOfPupils\":\(figures.totalOnRollOnRunDate),"
            + "\"submissionData\":[\(elements.joined(separator: ","))]}\n"
        self.days = days
        elementCount = elements.count
        body = Array(text.utf8)
        sha256 = hexSHA256(body)
        dayDigests = digests
    }

    /// True when no date has marks: there is nothing to send.
    package var isEmpty: Bool { days.isEmpty }
}
