import Foundation

/// What a school agrees to when it gives consent, in plain words: `consent give` prints it and
/// `consent status` shows it, so that the person with authority sees exactly what leaves the school.
enum ConsentStatement {
    /// The statement for `school`, sending to `endpoint`.
    /// - Parameter given: whether consent is in force (the wording says "was agreed" or "giving consent agrees").
    static func text(school: Configuration.School, endpoint: URL, given: Bool) -> String {
        let endpointText = visible(endpoint.absoluteString)
        return (given ? "  What was agreed for \(school.displayName):\n" : "  What giving consent agrees to for \(school.displayName):\n")
            + [
                "Counts only: for each school day, per year group and session (AM, PM), the pupils on roll and how many "
                    + "marks of each national attendance code were recorded.",
                "No names, no pupil identifiers, no dates of birth and no other pupil-level data: nothing about any one pupil leaves the school.",
                "Sent each school day to the DfE at \(endpointText), together with the school days just before it, so that "
                    + "corrections made in the MIS reach the DfE; nothing is sent when none of those days has changed.",
                "Removing consent (attsync consent remove --by \"NAME\" --school \(school.urn)) stops every later send for the school "
                    + "at once; figures the DfE has already received stay with the DfE.",
            ].map { "  - " + $0 + "\n" }.joined()
    }

    /// What removing consent has done.
    static func removed(school: Configuration.School) -> String {
        "  Nothing more is sent for \(school.displayName) from now on; figures the DfE has already received stay with the DfE. "
            + "Giving consent again (attsync consent give --by \"NAME\" --school \(school.urn)) starts sending again.\n"
    }
}
