import Foundation

/// A request body read back: what a stored submission told the DfE, element by element.
///
/// The history needs it to say which figures the DfE holds for a date (the latest accepted body carrying
/// it), what changed since, and where a DfE error path such as `$.submissionData[62].attendances[4].value`
/// points. The body is attsync's own (`Payload`), so anything that does not read as one gives nil.
package struct SentBody: Sendable, Equatable {
    /// One `submissionData` element: a year group's register for one date and session.
    package struct Element: Sendable, Equatable {
        package var date: Day
        package var yearGroup: String
        package var session: Session
        package var onRoll: Int
        /// In body order, so that `attendances[i]` of an error path is `attendances[i]` here.
        package var attendances: [(code: String, value: Int)]

        /// Code → count.
        package var counts: [String: Int] { Dictionary(attendances.map { ($0.code, $0.value) }, uniquingKeysWith: +) }

        package static func == (lhs: Element, rhs: Element) -> Bool {
            lhs.date == rhs.date && lhs.yearGroup == rhs.yearGroup && lhs.session == rhs.session && lhs.onRoll == rhs.onRoll
                && lhs.attendances.elementsEqual(rhs.attendances) { $0.code == $1.code && $0.value == $1.value }
        }
    }

    /// In body order: `submissionData[i]` is `elements[i]`.
    package var elements: [Element]

    /// Reads `body`; nil when it is not a body attsync writes.
    package init?(_ body: [UInt8]) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
            let data = object["submissionData"] as? [[String: Any]]
        else { return nil }
        var elements: [Element] = []
        for item in data {
            guard let date = (item["date"] as? String).flatMap(Day.init(iso:)), let yearGroup = item["ncYearGroup"] as? String,
                let session = (item["schoolSession"] as? String).flatMap(Session.init(rawValue:)),
                let onRoll = (item["noOfPupilsOnRoll"] as? NSNumber)?.intValue, let list = item["attendances"] as? [[String: Any]]
            else { return nil }
            var attendances: [(code: String, value: Int)] = []
            for entry in list {
                guard let code = entry["attendanceCode"] as? String, let value = (entry["value"] as? NSNumber)?.intValue else { return nil }
                attendances.append((code, value))
            }
            elements.append(Element(date: date, yearGroup: yearGroup, session: session, onRoll: onRoll, attendances: attendances))
        }
        self.elements = elements
    }

    /// The dates carried, ascending.
    package var days: [Day] { Set(elements.map(\.date)).sorted() }

    /// The elements of one date, in body order.
    package func elements(on day: Day) -> [Element] { elements.filter { $0.date == day } }
}
