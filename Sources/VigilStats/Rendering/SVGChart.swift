import VigilCore

/// Bar charts as hand-written SVG, made on the server: they need no script, no font download and
/// no library, and a screen reader gets the same numbers from `<title>`, `<desc>` and the text
/// labels that a sighted reader gets from the bars.
///
/// Only published cells are drawn; withheld cells are named in the text beside the chart. Bars are
/// drawn to scale from zero, so a bar twice as long is twice the count.
enum SVGChart {
    /// The Okabe–Ito palette: told apart by readers with the common colour-vision deficiencies.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999"]

    private static let width = 760.0
    private static let rowHeight = 28.0
    private static let barHeight = 18.0

    /// One horizontal bar per published category, labelled with its count and share.
    static func bars(_ table: StatisticsRelease.Table, id: String, _ w: PageWords) -> String {
        let cells = table.cells.filter { !$0.suppressed }
        let labelWidth = 300.0, barSpace = 320.0
        let largest = Double(cells.compactMap(\.count).max() ?? 0)
        let height = max(1, Double(cells.count)) * rowHeight + 12
        var svg = open(id: id, height: height, title: w.title(table), description: describe(table, cells, w))
        if cells.isEmpty {
            svg += text(x: 8, y: 24, anchor: "start", w.s(.nothingToDraw, w.threshold))
        }
        for (row, cell) in cells.enumerated() {
            let y = 6 + Double(row) * rowHeight
            let length = largest > 0 ? Double(cell.count ?? 0) / largest * barSpace : 0
            svg += text(x: labelWidth - 8, y: y + barHeight - 4, anchor: "end", w.label(table, cell))
            svg += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y))\" width=\"\(n(max(1, length)))\" height=\"\(n(barHeight))\" fill=\"\(palette[0])\"/>"
            svg += text(x: labelWidth + length + 6, y: y + barHeight - 4, anchor: "start", valueLabel(cell, w))
        }
        return svg + "</svg>"
    }

    /// One horizontal bar per group (month), split by category (reason), with a legend.
    static func stacked(_ table: StatisticsRelease.Table, id: String, _ w: PageWords) -> String {
        let groups = orderedGroups(table)
        let categories = table.definitions
        let labelWidth = 230.0, barSpace = 400.0
        let sums = groups.map { group in table.cells.filter { $0.group == group }.compactMap(\.count).reduce(0, +) }
        let largest = Double(sums.max() ?? 0)
        // Three legend columns fit labels of about 35 characters; longer ones (Spanish) get two.
        let longest = categories.map { w.label(table, $0).count }.max() ?? 0
        let columns = longest <= 35 ? 3 : 2
        let columnWidth = columns == 3 ? 250.0 : 375.0
        let legendRows = (categories.count + columns - 1) / columns
        let chartHeight = Double(groups.count) * rowHeight + 8
        let height = chartHeight + Double(legendRows) * 22 + 16
        var svg = open(id: id, height: height, title: w.title(table), description: describe(table, table.cells.filter { !$0.suppressed }, w))
        for (row, group) in groups.enumerated() {
            let y = 6 + Double(row) * rowHeight
            let label = w.month(group)
            svg += text(x: labelWidth - 8, y: y + barHeight - 4, anchor: "end", label)
            var x = labelWidth
            for (index, category) in categories.enumerated() {
                guard let count = table.cells.first(where: { $0.group == group && $0.category == category.category })?.count,
                      largest > 0 else { continue }
                let length = Double(count) / largest * barSpace
                svg += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(length))\" height=\"\(n(barHeight))\" fill=\"\(palette[index % palette.count])\">"
                svg += "<title>\(TextFormat.escape("\(label), \(w.label(table, category)): \(TextFormat.count(count))"))</title></rect>"
                x += length
            }
            svg += text(x: x + 6, y: y + barHeight - 4, anchor: "start", TextFormat.count(sums[row]))
        }
        for (index, category) in categories.enumerated() {
            let x = 8 + Double(index % columns) * columnWidth
            let y = chartHeight + 8 + Double(index / columns) * 22
            svg += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"14\" height=\"14\" fill=\"\(palette[index % palette.count])\"/>"
            svg += text(x: x + 20, y: y + 12, anchor: "start", w.label(table, category), size: 12)
        }
        return svg + "</svg>"
    }

    static func orderedGroups(_ table: StatisticsRelease.Table) -> [String] {
        var seen = Set<String>()
        return table.cells.compactMap(\.group).filter { seen.insert($0).inserted }
    }

    private static func open(id: String, height: Double, title: String, description: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"100%\" "
            + "role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" font-family=\"system-ui, sans-serif\" font-size=\"13\">"
            + "<title id=\"\(id)-title\">\(TextFormat.escape(title))</title>"
            + "<desc id=\"\(id)-desc\">\(TextFormat.escape(description))</desc>"
    }

    private static func describe(_ table: StatisticsRelease.Table, _ cells: [StatisticsRelease.Cell], _ w: PageWords) -> String {
        guard !cells.isEmpty else { return w.s(.noBars) }
        let parts = cells.map { cell in
            (cell.group.map { "\(w.month($0)), " } ?? "") + "\(w.label(table, cell)): \(valueLabel(cell, w))"
        }
        return w.s(.barChart) + " " + parts.joined(separator: "; ") + ". " + w.s(.notDrawn, w.threshold)
    }

    static func valueLabel(_ cell: StatisticsRelease.Cell, _ w: PageWords) -> String {
        guard let count = cell.count else { return w.s(.fewerThan, w.threshold) }
        return TextFormat.count(count) + (cell.share.map { " (\(TextFormat.percent($0)))" } ?? "")
    }

    private static func text(x: Double, y: Double, anchor: String, _ content: String, size: Int? = nil) -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(size.map { " font-size=\"\($0)\"" } ?? "") fill=\"#1a1a1a\">"
            + TextFormat.escape(content) + "</text>"
    }

    /// Coordinates with at most one decimal.
    private static func n(_ value: Double) -> String { TextFormat.fixed(value, decimals: 1) }
}
