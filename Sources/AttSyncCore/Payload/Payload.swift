import Foundation

/// The exact request body for one school, built once per run and sent byte for byte on every attempt.
///
/// The JSON is written by hand, not by `JSONEncoder`, so that field order, number form and escaping are
/// fixed by this file alone: the same figures always give the same bytes (docs/dfe-contract.md).
package struct Payload: Sendable, Equatable {
    package let urn: String
    /// The dates carried, ascending.
    package let days: [Day]
    /// The body: compact JSON followed by one newline.
    package let body: [UInt8]
    /// Hex SHA-256 of `body`; the Idempotency-Key.
    package let sha256: String
    /// Hex SHA-256 of each date's elements, to tell which dates changed since they were last accepted.
    package let dayDigests: [Day: String]
    /// How many `submissionData` elements the body holds.
    package let elementCount: Int

    /// Builds the body for the dates of `sending` that have marks, in contract order: date ascending, then
    /// year group in catalogue order (those with pupils on roll), then AM before PM; attendances in the
    /// code order of the date's code set, zero counts left out.
    package init(urn: String, figures: SchoolFigures, sending: Set<Day>) {
        self.urn = urn
        var elements: [String] = []
        var days: [Day] = []
        var digests: [Day: String] = [:]
        for day in figures.days where sending.contains(day.day) && day.hasMarks {
            let codeSet = Catalogue.codeSet(on: day.day)
            var dayElements: [String] = []
            for yearGroup in Catalogue.yearGroups {
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
