import Foundation
import VigilCore

/// The Spanish words of every declared table, for the statistics page only.
///
/// The release itself (JSON, CSV, the ledger) stays English: it is the published record, and its
/// numbers are the same whatever language a page shows them in. The page translates by table id
/// and category id, never by the English text, so that rewording an English label cannot break
/// the Spanish one. A table or category missing here is caught by a test over ``TableCatalog``.
enum SpanishTables {
    struct Table {
        var title: String
        var population: String
        var denominator: String
        var categoryHeading: String
        var groupHeading: String?
        /// Category id → (label, definition).
        var categories: [String: (label: String, definition: String)]
    }

    /// The Spanish words of table `id`; `asOf` is the release's day and `firstMonth` the first
    /// month a two-way table covers.
    static func table(_ id: String, asOf: String, firstMonth: ReleasePeriod?) -> Table? {
        let threshold = PrivateHistogram.suppressionThreshold
        let custodyPopulation = "Personas en custodia el \(asOf), cada una contada una sola vez: a quien tiene registros de "
            + "varias agencias se le cuenta por su registro más reciente."
        let custodyDenominator = "Todas las personas en custodia el \(asOf) que están en una categoría publicada. Las categorías "
            + "retenidas por tener menos de \(threshold) personas quedan fuera del total y de todas las proporciones, "
            + "de modo que las proporciones suman 100%."
        switch id {
        case "custody_by_criminal_history":
            return Table(
                title: "Personas en custodia por categoría de antecedentes penales",
                population: custodyPopulation, denominator: custodyDenominator,
                categoryHeading: "Categoría de antecedentes penales",
                categories: Dictionary(uniqueKeysWithValues: CriminalHistory.allCases.map {
                    ($0.rawValue, (criminalHistoryLabel($0), criminalHistoryDefinition($0)))
                }))
        case "custody_by_age_band":
            return Table(
                title: "Personas en custodia por edad",
                population: custodyPopulation, denominator: custodyDenominator, categoryHeading: "Edad",
                categories: Dictionary(uniqueKeysWithValues: AgeBand.allCases.map { ($0.rawValue, ageBand($0)) }))
        case "custody_by_region_of_birth":
            var categories = Dictionary(uniqueKeysWithValues: regions.map { region in
                (region.code, (region.name, "nacimiento en un país de la subregión M49 de la ONU «\(region.name)» "
                    + "(\(region.code)), en \(region.continent)"))
            })
            categories[RegionOfBirth.unknownKey] = (
                "Región desconocida",
                "el país de nacimiento no pertenece a ninguna subregión M49 de la ONU en los datos de la plataforma")
            return Table(
                title: "Personas en custodia por región de nacimiento",
                population: custodyPopulation + " La región de nacimiento es el lugar donde nació la persona: no dice nada "
                    + "de su ciudadanía, su situación migratoria ni su conducta.",
                denominator: custodyDenominator, categoryHeading: "Región de nacimiento (subregión M49 de la ONU)",
                categories: categories)
        case "custody_by_facility_state":
            var categories: [String: (label: String, definition: String)] = [:]
            for (code, english) in FacilityState.states {
                let name = stateNames[code] ?? english
                categories[code] = (name, "en custodia en un centro de \(name) (\(code))")
            }
            categories[FacilityState.otherKey] = (
                "Estado no registrado",
                "en custodia en un centro de la lista cuyo estado no es un código de estado, distrito o territorio de EE. UU.")
            categories[FacilityState.unlistedKey] = (
                "Centro fuera de la lista de centros",
                "en custodia en un centro cuyo código la agencia de custodia aún no ha incluido en la lista")
            return Table(
                title: "Personas en custodia por el estado donde se encuentran",
                population: custodyPopulation, denominator: custodyDenominator, categoryHeading: "Estado del centro",
                categories: categories)
        case "departures_by_month_and_reason":
            let first = firstMonth.map { "el \($0.firstDay)" } ?? "el primero de los meses de la tabla"
            var categories = Dictionary(uniqueKeysWithValues: ReleaseReason.allCases.map { ($0.rawValue, releaseReason($0)) })
            categories[DepartureReason.removedKey] = (
                "Expulsión de los Estados Unidos",
                "expulsión (deportación) por las autoridades migratorias; la expulsión es un proceso civil, no una condena penal")
            return Table(
                title: "Liberaciones y expulsiones por mes y motivo",
                population: "Personas liberadas de la custodia o expulsadas entre \(first) y el \(asOf), cada una contada "
                    + "una sola vez, en el mes (UTC) y por el motivo de su liberación o expulsión más reciente en ese periodo. "
                    + "Alguien liberado dos veces es una persona, no dos liberaciones.",
                denominator: "Todas las personas liberadas o expulsadas en esos meses que están en una celda publicada. Las celdas "
                    + "retenidas por tener menos de \(threshold) personas quedan fuera del total y de todas las proporciones.",
                categoryHeading: "Motivo", groupHeading: "Mes", categories: categories)
        default:
            return nil
        }
    }

    /// Faithful to the English definitions (``VigilCore/CriminalHistory/definition``): no label
    /// names anyone by immigration status.
    static func criminalHistoryLabel(_ history: CriminalHistory) -> String {
        switch history {
        case .none: "Sin cargos ni condenas penales"
        case .pendingCharges: "Con cargos, sin condena"
        case .convictedNonviolent: "Con condenas, ninguna por delito violento"
        case .convictedViolent: "Con condena por un delito violento"
        case .unknown: "La agencia no lo informó"
        }
    }

    static func criminalHistoryDefinition(_ history: CriminalHistory) -> String {
        switch history {
        case .convictedViolent: "al menos una condena por un delito contra las personas"
        case .convictedNonviolent: "una o más condenas, ninguna por un delito contra las personas"
        case .pendingCharges: "con cargos por un delito penal, sin condena"
        case .none: "ningún cargo ni condena penal (solo un asunto migratorio civil)"
        case .unknown: "la fuente no lo indicó"
        }
    }

    private static func ageBand(_ band: AgeBand) -> (String, String) {
        let adult = "años cumplidos en la fecha de esta publicación, y 18 o más al ingresar en custodia"
        return switch band {
        case .under18:
            ("Menores de 18 (todos, una sola fila)",
             "menores de 18 años el día de su ingreso en custodia o en la fecha de esta publicación; "
                + "a los menores nunca se les muestra por edades más detalladas")
        case .from18to24: ("De 18 a 24", adult)
        case .from25to34: ("De 25 a 34", adult)
        case .from35to44: ("De 35 a 44", adult)
        case .from45to54: ("De 45 a 54", adult)
        case .from55to64: ("De 55 a 64", adult)
        case .from65: ("65 o más", adult)
        case .unknown: ("Fecha de nacimiento desconocida", "la agencia de custodia no dio una fecha de nacimiento")
        }
    }

    /// The reason codes of the custody data format stay as written, in parentheses: they are codes.
    private static func releaseReason(_ reason: ReleaseReason) -> (String, String) {
        switch reason {
        case .bond:
            ("Liberación bajo fianza", "liberación tras el pago de una fianza (motivo bond de la versión 1 del formato de datos)")
        case .parole:
            ("Liberación bajo palabra", "liberación bajo palabra (motivo parole de la versión 1 del formato de datos)")
        case .orderOfSupervision:
            ("Liberación con orden de supervisión",
             "liberación bajo una orden de supervisión, con condiciones como presentarse periódicamente (order_of_supervision)")
        case .orderOfRecognizance:
            ("Liberación bajo su propio reconocimiento", "liberación con la promesa de comparecer, sin fianza (order_of_recognizance)")
        case .sentenceComplete:
            ("Liberación por condena cumplida", "liberación porque terminó la condena que se cumplía (sentence_complete)")
        case .chargesDismissed:
            ("Liberación por cargos desestimados", "liberación porque se desestimaron los cargos (charges_dismissed)")
        case .transferredToOtherAgency:
            ("Traslado a otra agencia", "salida de esta custodia a la de otra agencia (transferred_to_other_agency)")
        case .other:
            ("Liberación por otro motivo o sin motivo indicado",
             "liberación por un motivo que la versión 1 del formato de datos no recoge, o sin motivo indicado (other)")
        }
    }

    /// UN M49 sub-regions with their Spanish names from the platform's CLDR data.
    static let regions: [RegionOfBirth.Region] = {
        let spanish = Locale(identifier: "es")
        func name(_ code: String) -> String { spanish.localizedString(forRegionCode: code) ?? code }
        return Locale.Region.world.subRegions.flatMap { continent in
            continent.subRegions.map { .init(code: $0.identifier, name: name($0.identifier), continent: name(continent.identifier)) }
        }
    }()

    /// The usual Spanish names of U.S. states and territories; a name Spanish does not change is absent.
    static let stateNames: [String: String] = [
        "DC": "Distrito de Columbia", "HI": "Hawái", "LA": "Luisiana", "NH": "Nuevo Hampshire", "NJ": "Nueva Jersey",
        "NM": "Nuevo México", "NY": "Nueva York", "NC": "Carolina del Norte", "ND": "Dakota del Norte",
        "PA": "Pensilvania", "SC": "Carolina del Sur", "SD": "Dakota del Sur", "WV": "Virginia Occidental",
        "VI": "Islas Vírgenes de EE. UU.", "MP": "Islas Marianas del Norte", "AS": "Samoa Americana",
        "MI": "Míchigan", "OR": "Oregón",
    ]
}
