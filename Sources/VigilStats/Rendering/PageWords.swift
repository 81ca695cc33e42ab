import Foundation
import VigilCore
import VigilStore

/// The languages of the statistics page. The server picks one the way the other web pages do
/// (`?lang=`, the language cookie, `Accept-Language`) and passes it down; this module stays free
/// of HTTP.
public enum StatisticsLanguage: String, CaseIterable, Sendable {
    case en, es

    public var other: StatisticsLanguage { self == .en ? .es : .en }
}

/// Everything the page says, in one language.
///
/// English comes from the release itself, which is the published record. Spanish comes from
/// ``SpanishTables`` (by table and category id) and the sentences below, made from the release's
/// numbers, so a Spanish page shows exactly the numbers of the English one. Numbers keep one
/// format in both languages (`43,210`, `60.1%`), as Spanish is written in the United States and
/// Mexico, so that a count reads the same byte for byte whatever the language.
struct PageWords {
    let language: StatisticsLanguage
    let release: StatisticsRelease
    private let spanish: [String: SpanishTables.Table]

    init(_ release: StatisticsRelease, language: StatisticsLanguage) {
        self.language = language
        self.release = release
        var spanish: [String: SpanishTables.Table] = [:]
        if language == .es {
            for table in release.tables {
                let first = SVGChart.orderedGroups(table).first.flatMap { ReleasePeriod(iso: $0) }
                spanish[table.id] = SpanishTables.table(table.id, asOf: release.asOf, firstMonth: first)
            }
        }
        self.spanish = spanish
    }

    var isSpanish: Bool { language == .es }
    var threshold: Int { PrivateHistogram.suppressionThreshold }

    // MARK: Tables (Spanish by id; the release's own English otherwise, and for an id Spanish lacks)

    func title(_ table: StatisticsRelease.Table) -> String { spanish[table.id]?.title ?? table.title }
    func population(_ table: StatisticsRelease.Table) -> String { spanish[table.id]?.population ?? table.population }
    func denominator(_ table: StatisticsRelease.Table) -> String { spanish[table.id]?.denominator ?? table.denominator }
    func categoryHeading(_ table: StatisticsRelease.Table) -> String { spanish[table.id]?.categoryHeading ?? table.categoryHeading }
    func groupHeading(_ table: StatisticsRelease.Table) -> String? {
        table.groupHeading.map { spanish[table.id]?.groupHeading ?? $0 }
    }

    func label(_ table: StatisticsRelease.Table, _ cell: StatisticsRelease.Cell) -> String {
        spanish[table.id]?.categories[cell.category]?.label ?? cell.label
    }

    func label(_ table: StatisticsRelease.Table, _ definition: StatisticsRelease.Definition) -> String {
        spanish[table.id]?.categories[definition.category]?.label ?? definition.label
    }

    func definition(_ table: StatisticsRelease.Table, _ definition: StatisticsRelease.Definition) -> String {
        spanish[table.id]?.categories[definition.category]?.definition ?? definition.definition
    }

    // MARK: The release's sentences

    var notice: String {
        guard isSpanish else { return release.notice }
        if release.kind == .rawOversightOnly {
            return "SOLO PARA SUPERVISIÓN, NO PARA PUBLICAR: recuentos reales, sin ruido ni retención. "
                + "Aquí los recuentos pequeños pueden identificar a personas; publique solo la publicación protegida."
        }
        let epsilon = release.privacy.map { " (ε \(PrivacyBudget.format($0.epsilonPerTable)) por tabla)" } ?? ""
        return "Estadísticas de custodia de \(month(release.period)), protegidas con privacidad diferencial\(epsilon)."
    }

    var notes: [String] {
        guard isSpanish else { return release.notes }
        guard let privacy = release.privacy, !release.notes.isEmpty else { return [] }
        let f = PrivacyBudget.format
        let level = TextFormat.fixed(privacy.marginLevel * 100, decimals: 0) + "%"
        return [
            "Un recuento de personas en custodia no es un recuento de delitos. Cada categoría se define bajo su tabla; "
                + "«\(SpanishTables.criminalHistoryLabel(.none))» significa solo un asunto migratorio civil.",
            "La región de nacimiento es el lugar donde nació la persona. No dice nada de su ciudadanía, su situación "
                + "migratoria ni su conducta.",
            "A cada recuento se le añade ruido aleatorio para que nadie pueda saber, a partir de estas tablas, si una persona "
                + "concreta está en ellas. Cada recuento está a ±\(privacy.countMargin) del recuento real el \(level) de las veces; "
                + "cada proporción lleva su propio error previsto.",
            "Las categorías con menos de \(privacy.suppressionThreshold) personas, antes o después del ruido, se retienen y se "
                + "muestran como «menos de \(privacy.suppressionThreshold)»: nunca se publica un grupo pequeño. Los totales suman "
                + "los recuentos publicados, y las proporciones son de esos totales.",
            "Pérdida de privacidad: ε \(f(privacy.epsilonPerTable)) por tabla, ε \(f(privacy.epsilonTotal)) para las "
                + "\(release.tables.count) tablas juntas, ya que una persona puede aparecer en todas. Se hace una publicación "
                + "al mes, que se sirve sin cambios hasta la siguiente.",
        ]
    }

    func mechanism(_ privacy: StatisticsRelease.Privacy) -> String {
        guard isSpanish else { return privacy.mechanism }
        return "Ruido de Laplace discreto en cada recuento, P(k) ∝ e^(−ε|k|), obtenido del generador criptográfico de números "
            + "aleatorios del sistema; los recuentos negativos se elevan a 0; los recuentos menores de "
            + "\(privacy.suppressionThreshold), antes o después del ruido, se retienen; los totales son las sumas de los "
            + "recuentos publicados."
    }

    // MARK: Dates

    /// `2026-11` → `November 2026` or `noviembre de 2026`; anything else unchanged.
    func month(_ iso: String) -> String {
        guard let period = ReleasePeriod(iso: iso) else { return iso }
        guard isSpanish else { return TableCatalog.monthName(period) }
        return "\(Self.spanishMonths[period.month - 1]) de \(period.year)"
    }

    private static let spanishMonths = [
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ]

    // MARK: The page's own words

    func s(_ key: Key) -> String { isSpanish ? key.spanish : key.english }

    enum Key: CaseIterable {
        case heading, countsAsOf, published, howToRead, noiseDeviation, peoplePerCount, sameAsData, jsonNote, tablesNav
        case footer, total, peopleIn, publishedCell, publishedCells, denominatorHeading, definitionsHeading, withheldList
        case people, share, shareError, pivotCaption, pivotFootnote, switchTo, nothingToDraw, barChart, noBars, notDrawn
        case fewerThan

        var english: String {
            switch self {
            case .heading: "Custody statistics"
            case .countsAsOf: "counts as of"
            case .published: "published"
            case .howToRead: "How to read these numbers"
            case .noiseDeviation: "Noise standard deviation:"
            case .peoplePerCount: "people per count."
            case .sameAsData: "The same release as data:"
            case .jsonNote: ""
            case .tablesNav: "Tables"
            case .footer: "Vigil publishes only these declared tables. Nothing here is about any one person."
            case .total: "Total"
            case .peopleIn: "people in"
            case .publishedCell: "published cell"
            case .publishedCells: "published cells"
            case .denominatorHeading: "What the total and shares are of"
            case .definitionsHeading: "Definitions"
            case .withheldList: "Withheld, fewer than %d before or after noise"
            case .people: "People"
            case .share: "Share"
            case .shareError: "Predicted error of the share (s.d., points)"
            case .pivotCaption: "people, and share of all"
            case .pivotFootnote: "withheld, fewer than %d before or after noise, and left out of the total."
            case .switchTo: "Español"
            case .nothingToDraw: "No category reached %d people after noise; nothing to draw."
            case .barChart: "Bar chart."
            case .noBars: "Bar chart with no bars: every category was withheld."
            case .notDrawn: "Withheld categories (fewer than %d) are not drawn."
            case .fewerThan: "fewer than %d"
            }
        }

        var spanish: String {
            switch self {
            case .heading: "Estadísticas de custodia"
            case .countsAsOf: "recuentos al"
            case .published: "publicado el"
            case .howToRead: "Cómo leer estas cifras"
            case .noiseDeviation: "Desviación típica del ruido:"
            case .peoplePerCount: "personas por recuento."
            case .sameAsData: "La misma publicación como datos:"
            case .jsonNote: " (en inglés: es el registro publicado)"
            case .tablesNav: "Tablas"
            case .footer: "Vigil publica solo estas tablas declaradas. Nada de lo que aparece aquí trata de una persona concreta."
            case .total: "Total"
            case .peopleIn: "personas en"
            case .publishedCell: "celda publicada"
            case .publishedCells: "celdas publicadas"
            case .denominatorHeading: "De qué son el total y las proporciones"
            case .definitionsHeading: "Definiciones"
            case .withheldList: "Retenidas por tener menos de %d antes o después del ruido"
            case .people: "Personas"
            case .share: "Proporción"
            case .shareError: "Error previsto de la proporción (d. t., puntos)"
            case .pivotCaption: "personas, y proporción del total de"
            case .pivotFootnote: "retenida por tener menos de %d antes o después del ruido, y fuera del total."
            case .switchTo: "English"
            case .nothingToDraw: "Ninguna categoría llegó a %d personas tras el ruido; no hay nada que dibujar."
            case .barChart: "Gráfico de barras."
            case .noBars: "Gráfico de barras sin barras: se retuvieron todas las categorías."
            case .notDrawn: "Las categorías retenidas (menos de %d) no se dibujan."
            case .fewerThan: "menos de %d"
            }
        }
    }

    /// A word with the suppression threshold put in for `%d`.
    func s(_ key: Key, _ number: Int) -> String {
        s(key).replacingOccurrences(of: "%d", with: String(number))
    }
}
