/// Why figures did not reach the DfE, in plain words: what happened and who does what next. The technical
/// message (`SendError.description`, HTTP statuses, token details) is kept apart, "for IT".
enum FailureWords {
    /// What happened, and who does what next.
    struct Plain: Equatable {
        var what: String
        var next: String
    }

    /// The words for a failure of `kind` (nil for submissions recorded before kinds were kept: then by `status`).
    static func plain(_ kind: FailureKind?, status: SubmissionStatus) -> Plain {
        let wait = "nothing to do now: the next run tries again; if it keeps happening for a day, tell IT"
        switch kind {
        case .signInRefused?:
            return Plain(
                what: "the DfE's sign-in service refused attsync's client details",
                next: "IT checks the client id and secret with the DfE (dfe.token); the days wait and go with the first run after the fix")
        case .signInUnusable?:
            return Plain(what: "the DfE's sign-in service gave an answer attsync cannot use", next: wait)
        case .signInUnreachable?:
            return Plain(
                what: "attsync could not reach the DfE's sign-in service",
                next: "nothing to do now: the next run tries again; if it keeps happening, IT checks the network and dfe.token.url")
        case .insecure?:
            return Plain(
                what: "attsync could not make a trusted secure connection to the DfE",
                next: "IT checks the certificate trust (dfe.caBundle), the clock and any proxy; nothing is sent until then")
        case .redirected?:
            return Plain(
                what: "the DfE's address answered with a redirect, which attsync never follows",
                next: "IT checks dfe.endpoint and dfe.token.url")
        case .tokenRefused?:
            return Plain(
                what: "the DfE refused attsync's sign-in", next: "IT checks that the client is registered for the DfE's attendance API")
        case .notAllowed?:
            return Plain(
                what: "the DfE does not allow attsync's client to send attendance",
                next: "IT asks the DfE to give the client the attendance role")
        case .wrongAddress?:
            return Plain(what: "the DfE address in the configuration does not take attendance figures", next: "IT checks dfe.endpoint")
        case .refused?:
            return Plain(
                what: "the DfE refused the figures",
                next: "the data manager checks in the MIS the figures the DfE names; if it names none, IT asks the DfE why; "
                    + "the next run sends them again")
        case .retired?:
            return Plain(
                what: "the DfE says its attendance service has closed; consent was removed, so nothing more is sent",
                next: "nothing to do unless the DfE opens a new service; then IT points dfe.endpoint at it and consent is given again")
        case .notRecorded?:
            return Plain(
                what: "the DfE accepted the figures, but attsync could not record it",
                next: "IT fixes the state directory; the next run sends the same figures again and records the DfE's answer")
        case .interrupted?:
            return Plain(what: "the send was stopped before the DfE answered", next: "nothing to do: the next run sends these days again")
        case .unreachable?:
            return Plain(what: "attsync could not reach the DfE, or the DfE stayed busy", next: wait)
        case .noConsent?:
            return Plain(
                what: "the school has not given consent", next: "a person with authority gives it: attsync consent give --by \"NAME\"")
        case nil:
            switch status {
            case .rejected: return plain(.refused, status: status)
            case .interrupted: return plain(.interrupted, status: status)
            default: return Plain(what: "the send failed", next: "the next run tries again; the details for IT say why")
            }
        }
    }

    /// One line for a day's status: `submission 4 failed (attsync could not reach the DfE): not received by the DfE`.
    static func short(_ attempt: DayRecord.Unaccepted) -> String {
        let what = plain(attempt.kind, status: attempt.status).what
        let received = attempt.posts == 0 && attempt.status != .interrupted ? ", not received by the DfE" : ""
        return "\(what) (submission \(attempt.submission)\(received))"
    }

    /// `✗ failed – not received by the DfE`: the status words of a submission, and whether its body never left.
    static func status(_ record: SubmissionRecord) -> String {
        let words = record.status.words(warnings: record.errors.count)
        let neverLeft = record.attemptCount == 0 && [.failed, .rejected].contains(record.status)
        return words + (neverLeft ? " – not received by the DfE" : "")
    }
}

/// Where a DfE error points, in the school's terms: a path into the body sent such as
/// `$.submissionData[62].attendances[4].value` becomes `Thu 26 Nov 2026, Year 8 PM, the count of code N
/// (Unauthorised absence – reason not yet provided)`.
enum DfEErrorWords {
    /// The place `path` names in `body`; nil when the path is not one attsync can follow.
    static func place(_ path: String?, in body: SentBody?) -> String? {
        guard let path else { return nil }
        switch path {
        case "$.urn": return "the school's URN"
        case "$.totalNoOfPupils": return "the number of pupils on roll on the run date"
        default: break
        }
        guard let match = path.wholeMatch(of: /\$\.submissionData\[(\d+)\](?:\.(\w+)(?:\[(\d+)\](?:\.(\w+))?)?)?/),
            let index = Int(match.1), let body, index < body.elements.count
        else { return nil }
        let element = body.elements[index]
        let register = "\(element.date.longDescription), \(yearGroupName(element.yearGroup)) \(element.session.rawValue)"
        switch match.2.map(String.init) {
        case "noOfPupilsOnRoll"?: return register + ", pupils on roll"
        case "attendances"?:
            guard let at = match.3.flatMap({ Int($0) }), at < element.attendances.count else { return register + ", the marks" }
            let code = element.attendances[at].code
            let wording = Catalogue.codeSet(on: element.date).codes.first { $0.code == code }?.wording ?? "code \(visible(code))"
            return register + (match.4 == "value" ? ", the count of " : ", ") + wording
        default: return register
        }
    }

    /// `Thu 26 Nov 2026, Year 8 PM, …: VAL104 Invalid attendance code (ZZ)`; the path as sent when it cannot be followed.
    static func words(_ error: DfEError, in body: SentBody?) -> String {
        let what = [error.code, error.title, error.detail.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        if let place = place(error.path, in: body) { return "\(place): \(what)" }
        return error.path.map { "\(what) at \($0)" } ?? what
    }
}

extension FailureWords {
    /// The words for a school stopped before anything was sent: no consent, or a MIS copy that cannot be read
    /// or sent as it is. Nil for an error that is not one of these.
    static func beforeSending(_ error: any Error) -> Plain? {
        let later = "the next run sends the days that are waiting"
        switch error {
        case let error as SendError:
            switch error {
            case .noConsent(_, let urn):
                return Plain(
                    what: "the school has not given consent",
                    next: "a person with authority for the school gives it: attsync consent give --by \"NAME, ROLE\" --school \(urn)")
            case .consentRemovedByService: return plain(.retired, status: .failed)
            default: return nil
            }
        case let error as DataError:
            switch error {
            case .invalidRows:
                return Plain(
                    what: "the MIS copy has marks or enrolments that cannot be sent as they are",
                    next: "the data manager corrects the records the details below describe in the MIS, or asks IT; \(later)")
            case .unknownCodes:
                return Plain(
                    what: "the MIS copy uses attendance codes that are not national codes",
                    next: "the data manager corrects a mistyped mark in the MIS, or tells IT which national code a local code "
                        + "stands for and IT adds it to codes.map in the configuration; \(later)")
            }
        case let error as SourceError:
            switch error {
            case .missing, .cannotOpen:
                return Plain(
                    what: "attsync could not find or open the school's MIS copy",
                    next: "IT checks that the MIS export ran and wrote the copy where schools[].source.path says; \(later)")
            case .notADatabase, .damaged, .missingSchema:
                return Plain(
                    what: "the school's MIS copy is damaged, incomplete or not a database",
                    next: "IT checks the MIS export; \(later)")
            case .busy, .unfinishedWrite:
                return Plain(
                    what: "the school's MIS copy was still being written when attsync read it",
                    next: "nothing to do now: \(later); if it keeps happening, IT makes the export finish before attsync runs")
            case .brokenView, .refused:
                return Plain(
                    what: "attsync's configuration for reading this MIS copy does not work",
                    next: "IT fixes schools[].source.views; \(later)")
            case .tooSlow:
                return Plain(
                    what: "reading the school's MIS copy took too long", next: "IT checks the copy and the configuration; \(later)")
            case .interrupted:
                return Plain(what: "the run was stopped while reading the MIS copy", next: "nothing to do: \(later)")
            case .outOfSpace:
                return Plain(what: "the computer ran out of space while reading the MIS copy", next: "IT frees disk space; \(later)")
            case .readFailed:
                return Plain(
                    what: "attsync could not read some of the MIS copy's data", next: "IT checks the copy and source.views; \(later)")
            }
        default:
            return nil
        }
    }
}
