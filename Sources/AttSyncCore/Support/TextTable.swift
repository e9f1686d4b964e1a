/// A plain-text table with a header row (a heading may hold line breaks); text columns left-aligned, number
/// columns right-aligned.
/// Used by `history`, `consent status` and `preview`. Widths are counted in `Character`s, so `✓` and
/// `–` take one column, as they do on a terminal.
struct TextTable {
    /// The first row; its length is the number of columns.
    var headers: [String]
    /// Columns (by index) aligned right.
    var numeric: Set<Int>
    /// The body. Invariant: no row has more cells than `headers` (a wider row would index past the column
    /// widths and trap); a shorter one leaves its last columns empty.
    var rows: [[String]] = []

    init(_ headers: [String], numeric: Set<Int> = []) {
        self.headers = headers
        self.numeric = numeric
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as text, one line per row, each ending in a newline, trailing spaces trimmed.
    /// - Parameter indent: put before every line, to nest a table under a heading.
    func render(indent: String = "") -> String {
        // A heading may take several lines ("on\nroll"): each line is a row of its own, aligned to the bottom.
        let lines = headers.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        let depth = lines.map(\.count).max() ?? 1
        let headerRows = (0..<depth).map { line in lines.map { $0.count + line >= depth ? $0[line - (depth - $0.count)] : "" } }
        let all = headerRows + rows
        let widths = headers.indices.map { column in all.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            let cells = row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: max(0, widths[column] - cell.count))
                return numeric.contains(column) ? pad + cell : cell + pad
            }
            var line = indent + cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }
}
