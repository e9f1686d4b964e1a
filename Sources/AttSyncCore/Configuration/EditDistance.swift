/// Levenshtein distance, to suggest the key a typo meant.
///
/// `ConfigObject` suggests a known key within distance 2 of an unknown one (`schoolDay` → `schoolDays`).
/// Two rows of the usual table over `Character`s: keys are short, so the cost does not matter.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
        var current = [i + 1]
        for (j, y) in b.enumerated() {
            current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
        }
        previous = current
    }
    return previous[b.count]
}
