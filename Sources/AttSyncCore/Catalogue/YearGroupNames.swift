/// `Year 8`, `Reception`, `Nursery 2`…: a National Curriculum year group as schools write it.
/// Used by every report that names a year group (data quality, registers not taken, summaries).
package func yearGroupName(_ yearGroup: String) -> String {
    switch yearGroup {
    case "R": return "Reception"
    case "N1", "N2": return "Nursery " + yearGroup.dropFirst()
    case "E1", "E2": return "Early years " + yearGroup.dropFirst()
    case "X": return "Year X (NC not followed)"
    default: return "Year " + yearGroup
    }
}
