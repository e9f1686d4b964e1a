/// "Has it reached the DfE?" for one school day: with the DfE since when and under which reference; changed
/// since it was sent, and what changed; or not sent, and why.
///
/// Decided from the state database's record of the date (`DayRecord`) and the MIS copy's figures of the date
/// now; `history --days`, `preview`'s labels and the status page all say it through `words`
/// (Rendering/DayStatusWords.swift), so the three never disagree.
package struct SchoolDayStatus: Sendable, Equatable {
    /// Whether the DfE gets the date's new figures.
    package enum Resend: Sendable, Equatable {
        /// The next run (or this `send`) sends it.
        case nextRun
        /// Outside the window and already accepted once, so catch-up does not take it (docs/dfe-contract.md §3).
        case outsideWindow
        /// Consent is not in force: nothing is sent.
        case noConsent
        /// The date has no marks any more; a date without marks is never sent, so the DfE keeps what it has.
        case noMarksNow
    }

    /// Why the DfE has nothing for the date.
    package enum NotSent: Sendable, Equatable {
        /// No mark that date (`schoolDay`: a school day by the calendar, so registers were expected).
        case noMarks(schoolDay: Bool)
        /// The last submission carrying the date failed, was refused or was interrupted; `retried`: the next run
        /// carries the date again (in its window or by catch-up, with consent in force).
        case failed(DayRecord.Unaccepted, retried: Bool)
        /// A submission carrying it is being sent now.
        case sending(DayRecord.Unaccepted)
        /// Never sent yet; the next run (or this `send`) sends it.
        case nextRun
        /// Consent is not in force.
        case noConsent
        /// Before the day consent was given: never sent.
        case beforeConsent
        /// Before the window and beyond catch-up.
        case outsideWindow
        /// The MIS copy could not be read, so whether it has marks is not known.
        case notRead
    }

    package enum State: Sendable, Equatable {
        /// The DfE holds the date's figures as they are now (`checked` false: the MIS copy was not read).
        case withDfE(DayRecord.Accepted, checked: Bool)
        /// The DfE holds older figures of the date; `changes` in words ("N −1, I +1").
        case changed(DayRecord.Accepted, changes: String, resend: Resend)
        case notSent(NotSent)
    }

    package var day: Day
    package var state: State

    /// - Parameters:
    ///   - figures: the date's figures in the MIS copy now; nil when it could not be read.
    ///   - digest: the date's content digest now (`Payload.dayDigests`); nil when it has no marks.
    ///   - record: what the state database knows of the date.
    ///   - consent: whether consent is in force, and the day its period began.
    ///   - sentByNextRun: whether the next run (or this `send`) carries the date.
    ///   - schoolDay: whether the calendar counts the date as a school day.
    package static func assess(
        day: Day, figures: DayFigures?, digest: String?, record: DayRecord?, consent: (inForce: Bool, since: Day?), sentByNextRun: Bool,
        schoolDay: Bool
    ) -> SchoolDayStatus {
        func resend() -> Resend {
            guard figures?.hasMarks ?? false else { return .noMarksNow }
            guard consent.inForce else { return .noConsent }
            return sentByNextRun ? .nextRun : .outsideWindow
        }
        if let accepted = record?.accepted {
            guard let figures else { return SchoolDayStatus(day: day, state: .withDfE(accepted, checked: false)) }
            if digest == accepted.digest { return SchoolDayStatus(day: day, state: .withDfE(accepted, checked: true)) }
            let before = SentBody(accepted.body)?.elements(on: day) ?? []
            return SchoolDayStatus(day: day, state: .changed(accepted, changes: changes(from: before, to: figures), resend: resend()))
        }
        let why: NotSent
        if let unaccepted = record?.unaccepted, unaccepted.status == .sending {
            why = .sending(unaccepted)
        } else if let figures, !figures.hasMarks {
            why = .noMarks(schoolDay: schoolDay)
        } else if let unaccepted = record?.unaccepted {
            why = .failed(unaccepted, retried: sentByNextRun && consent.inForce)
        } else if figures == nil {
            why = .notRead
        } else if !consent.inForce {
            why = .noConsent
        } else if sentByNextRun {
            why = .nextRun
        } else if let since = consent.since, day < since {
            why = .beforeConsent
        } else {
            why = .outsideWindow
        }
        return SchoolDayStatus(day: day, state: .notSent(why))
    }

    /// What differs between the date's registers as accepted and as they are now, in words: the marks of each
    /// code and the roll, over the whole school (`N −1, I +1, on roll +1`); when only their spread over year
    /// groups and sessions changed, the registers that changed (`Year 8 PM: N −1; Year 9 PM: N +1`).
    static func changes(from before: [SentBody.Element], to now: DayFigures) -> String {
        var old: [String: [String: Int]] = [:]
        var oldRoll: [String: Int] = [:]
        for element in before {
            old["\(element.session.rawValue) \(element.yearGroup)"] = element.counts
            oldRoll[element.yearGroup] = element.onRoll
        }
        let codes = Catalogue.codeSet(on: now.day).codes.map(\.code)
        var perCode: [String: Int] = [:]
        var perRegister: [String] = []
        for yearGroup in Catalogue.yearGroups {
            for session in Session.allCases {
                let previous = old["\(session.rawValue) \(yearGroup)"] ?? [:]
                let current = now[session].counts[yearGroup] ?? [:]
                var register: [String] = []
                for code in codes {
                    let delta = (current[code] ?? 0) - (previous[code] ?? 0)
                    guard delta != 0 else { continue }
                    perCode[code, default: 0] += delta
                    register.append("\(code) \(signed(delta))")
                }
                if !register.isEmpty {
                    perRegister.append("\(yearGroupName(yearGroup)) \(session.rawValue): \(register.joined(separator: ", "))")
                }
            }
        }
        // Fewer first, then more ("N −1, I +1": an N that became an I), each in catalogue order.
        let fewer = codes.filter { (perCode[$0] ?? 0) < 0 }
        let more = codes.filter { (perCode[$0] ?? 0) > 0 }
        var words = (fewer + more).map { "\($0) \(signed(perCode[$0] ?? 0))" }
        let roll = now.totalOnRoll - oldRoll.values.reduce(0, +)
        if roll != 0 { words.append("on roll \(signed(roll))") }
        if !words.isEmpty { return words.joined(separator: ", ") }
        if !perRegister.isEmpty {
            return perRegister.prefix(3).joined(separator: "; ") + (perRegister.count > 3 ? "; and \(perRegister.count - 3) more" : "")
        }
        let moved = Catalogue.yearGroups.filter { (now.onRoll[$0] ?? 0) != (oldRoll[$0] ?? 0) }.map(yearGroupName)
        return moved.isEmpty ? "the figures differ" : "pupils on roll moved between \(moved.joined(separator: ", "))"
    }

    /// `+1`, `−2` (a minus sign, as printed figures have it).
    static func signed(_ value: Int) -> String { value < 0 ? "−\(-value)" : "+\(value)" }
}

extension SchoolRun {
    /// Each date of the run as it stands with the DfE, from the state's `records` of them: what `preview`
    /// and `send --dry-run` label each date with. This run carries every date that has marks.
    package func dayStatuses(records: [Day: DayRecord]) -> [Day: SchoolDayStatus] {
        let sent = Set(payload.days)
        let consent = (inForce: history?.consent.isInForce ?? false, since: history?.consentDay)
        return Dictionary(
            uniqueKeysWithValues: figures.days.map { day in
                (
                    day.day,
                    SchoolDayStatus.assess(
                        day: day.day, figures: day, digest: payload.dayDigests[day.day], record: records[day.day], consent: consent,
                        sentByNextRun: sent.contains(day.day), schoolDay: plan.calendar.isSchoolDay(day.day))
                )
            })
    }
}
