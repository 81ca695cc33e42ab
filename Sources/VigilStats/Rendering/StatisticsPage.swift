import VigilCore

/// The public statistics page: one HTML document, made on the server, that reads completely
/// without JavaScript (there is none: the server also sends a Content-Security-Policy that
/// forbids it). Every text from the release is escaped.
///
/// Each table appears three ways, so no reader depends on one: a chart (SVG with a title and a
/// text description), an HTML table with counts, shares and their predicted error, and the
/// definitions and denominator in words.
public enum StatisticsPage {
    /// - Parameters:
    ///   - language: the page's language. The release's numbers are the same in both; English
    ///     words come from the release, Spanish ones from ``SpanishTables`` by table and category id.
    ///   - jsonLink: where the same release is served as JSON.
    ///   - stylesheetLink: where ``stylesheet`` is served: a file, not inline, so that the page's
    ///     Content-Security-Policy can forbid inline style as the other pages' does.
    ///   - languageSwitch: whether to show the link to the other language (`?lang=`), which the
    ///     server honours and remembers as the other web pages do.
    public static func render(
        _ release: StatisticsRelease, language: StatisticsLanguage = .en, jsonLink: String = "/api/v1/stats",
        stylesheetLink: String = "/stats.css", languageSwitch: Bool = true
    ) -> String {
        let w = PageWords(release, language: language)
        let other = language.other.rawValue
        var html = """
            <!doctype html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e("\(w.s(.heading)), \(w.month(release.period)) — Vigil"))</title>
            <link rel="stylesheet" href="\(e(stylesheetLink))">
            </head>
            <body>
            <header>

            """
        if languageSwitch {
            html += "<p class=\"lang-switch\"><a href=\"?lang=\(other)\" hreflang=\"\(other)\" lang=\"\(other)\">\(e(w.s(.switchTo)))</a></p>\n"
        }
        html += """
            <h1>\(e(w.s(.heading)))</h1>
            <p class="meta">\(e(w.month(release.period))) · \(e(w.s(.countsAsOf))) \(e(release.asOf)) · \(e(w.s(.published))) \(e(release.publishedAt))</p>
            <p class="notice\(release.kind == .published ? "" : " oversight")">\(e(w.notice))</p>
            </header>
            <main>
            <section aria-labelledby="how">
            <h2 id="how">\(e(w.s(.howToRead)))</h2>
            <ul>\(w.notes.map { "<li>\(e($0))</li>" }.joined())</ul>

            """
        if let privacy = release.privacy {
            html += "<p class=\"small\">\(e(w.mechanism(privacy))) \(e(w.s(.noiseDeviation))) "
                + "\(e(TextFormat.fixed(privacy.countStandardDeviation, decimals: 2))) \(e(w.s(.peoplePerCount)))</p>\n"
        }
        html += "<p class=\"small\">\(e(w.s(.sameAsData))) <a href=\"\(e(jsonLink))\">JSON</a>\(e(w.s(.jsonNote))).</p>\n"
        html += "<nav aria-label=\"\(e(w.s(.tablesNav)))\"><ol>"
            + release.tables.map { "<li><a href=\"#\(e($0.id))\">\(e(w.title($0)))</a></li>" }.joined()
            + "</ol></nav>\n</section>\n"
        for table in release.tables { html += section(table, w) }
        html += """
            </main>
            <footer><p class="small">\(e(w.s(.footer)))</p></footer>
            </body>
            </html>

            """
        return html
    }

    private static func section(_ table: StatisticsRelease.Table, _ w: PageWords) -> String {
        let twoWay = table.groupHeading != nil
        let title = w.title(table)
        var html = "<section id=\"\(e(table.id))\" aria-labelledby=\"\(e(table.id))-h\">\n"
        html += "<h2 id=\"\(e(table.id))-h\">\(e(title))</h2>\n<p>\(e(w.population(table)))</p>\n"
        html += "<figure>" + (twoWay ? SVGChart.stacked(table, id: table.id + "-chart", w) : SVGChart.bars(table, id: table.id + "-chart", w))
        html += "<figcaption>\(e(title)), \(e(w.release.asOf)). \(e(w.s(.total))) \(e(TextFormat.count(table.total))) \(e(w.s(.peopleIn)))"
            + " \(table.publishedCells) \(e(w.s(table.publishedCells == 1 ? .publishedCell : .publishedCells))).</figcaption></figure>\n"
        html += twoWay ? pivot(table, w) : list(table, w)
        html += "<h3>\(e(w.s(.denominatorHeading)))</h3>\n<p>\(e(w.denominator(table)))</p>\n"
        let published = Set(table.cells.filter { !$0.suppressed }.map(\.category))
        let shown = table.definitions.filter { twoWay || published.contains($0.category) }
        html += "<h3>\(e(w.s(.definitionsHeading)))</h3>\n<dl>"
            + shown.map { "<dt>\(e(w.label(table, $0)))</dt><dd>\(e(w.definition(table, $0)))</dd>" }.joined() + "</dl>\n"
        if !twoWay, table.suppressedCells > 0 {
            let withheld = table.cells.filter(\.suppressed).map { w.label(table, $0) }
            html += "<p class=\"small\">\(e(w.s(.withheldList, w.threshold))) "
                + "(\(withheld.count)): \(e(withheld.joined(separator: ", "))).</p>\n"
        }
        return html + "</section>\n"
    }

    /// One-way table: a row per published category, then the total.
    private static func list(_ table: StatisticsRelease.Table, _ w: PageWords) -> String {
        let noisy = w.release.privacy != nil
        var html = "<table><caption>\(e(w.title(table)))</caption><thead><tr><th scope=\"col\">\(e(w.categoryHeading(table)))</th>"
            + "<th scope=\"col\" class=\"num\">\(e(w.s(.people)))</th><th scope=\"col\" class=\"num\">\(e(w.s(.share)))</th>"
            + (noisy ? "<th scope=\"col\" class=\"num\">\(e(w.s(.shareError)))</th>" : "") + "</tr></thead><tbody>"
        for cell in table.cells where !cell.suppressed {
            html += "<tr><th scope=\"row\">\(e(w.label(table, cell)))</th><td class=\"num\">\(e(TextFormat.count(cell.count ?? 0)))</td>"
                + "<td class=\"num\">\(e(cell.share.map(TextFormat.percent) ?? "—"))</td>"
                + (noisy ? "<td class=\"num\">±\(e(cell.shareStandardDeviation.map(TextFormat.percentagePoints) ?? "—"))</td>" : "")
                + "</tr>"
        }
        html += "</tbody><tfoot><tr><th scope=\"row\">\(e(w.s(.total)))</th><td class=\"num\">\(e(TextFormat.count(table.total)))</td>"
            + "<td class=\"num\">\(table.total > 0 ? "100%" : "—")</td>" + (noisy ? "<td></td>" : "") + "</tr></tfoot></table>\n"
        return html
    }

    /// Two-way table: months down, reasons across; each cell its count and share of the whole table.
    private static func pivot(_ table: StatisticsRelease.Table, _ w: PageWords) -> String {
        let groups = SVGChart.orderedGroups(table)
        var byKey: [String: StatisticsRelease.Cell] = [:]
        for cell in table.cells { byKey[(cell.group ?? "") + "|" + cell.category] = cell }
        var html = "<div class=\"scroll\"><table class=\"pivot\"><caption>\(e(w.title(table))): \(e(w.s(.pivotCaption))) "
            + "\(e(TextFormat.count(table.total)))</caption>"
        html += "<thead><tr><th scope=\"col\">\(e(w.groupHeading(table) ?? ""))</th>"
            + table.definitions.map { "<th scope=\"col\" class=\"num\">\(e(w.label(table, $0)))</th>" }.joined() + "</tr></thead><tbody>"
        for group in groups {
            html += "<tr><th scope=\"row\">\(e(w.month(group)))</th>"
            for definition in table.definitions {
                let cell = byKey[group + "|" + definition.category]
                if let cell, let count = cell.count {
                    html += "<td class=\"num\">\(e(TextFormat.count(count)))<br><span class=\"small\">\(e(cell.share.map(TextFormat.percent) ?? ""))</span></td>"
                } else {
                    html += "<td class=\"num withheld\">&lt;\(PrivateHistogram.suppressionThreshold)</td>"
                }
            }
            html += "</tr>"
        }
        html += "</tbody></table></div>\n<p class=\"small\">&lt;\(PrivateHistogram.suppressionThreshold): "
            + "\(e(w.s(.pivotFootnote, w.threshold)))</p>\n"
        return html
    }

    private static func e(_ text: String) -> String { TextFormat.escape(text) }

    /// The page's stylesheet, served beside it.
    public static let stylesheet = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;background:#fff;line-height:1.5;margin:0 auto;max-width:62rem;padding:1rem 1.5rem}\
        h1{font-size:2rem;margin:.5rem 0}h2{margin-top:2.5rem;border-top:1px solid #ccc;padding-top:1rem}h3{font-size:1rem;margin-bottom:.25rem}\
        .meta{color:#444}.notice{font-weight:600}.oversight{background:#fde8e8;border:2px solid #b00020;padding:.5rem}\
        .small{font-size:.875rem;color:#333}figure{margin:1rem 0}figcaption{font-size:.875rem;color:#444}\
        table{border-collapse:collapse;margin:1rem 0;font-size:.9375rem}caption{text-align:left;font-weight:600;padding-bottom:.25rem}\
        th,td{border-bottom:1px solid #ddd;padding:.25rem .75rem;text-align:left;vertical-align:top}.num{text-align:right;font-variant-numeric:tabular-nums}\
        tfoot th,tfoot td{border-top:2px solid #1a1a1a;font-weight:600}.withheld{color:#666}.scroll{overflow-x:auto}\
        .pivot th,.pivot td{font-size:.8125rem;padding:.2rem .4rem}dt{font-weight:600}dd{margin:0 0 .5rem 1.5rem}a{color:#0050a0}\
        .lang-switch{float:right;margin:.75rem 0 0 1rem}
        """
}
