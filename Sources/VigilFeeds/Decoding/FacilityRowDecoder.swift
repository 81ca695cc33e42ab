import VigilCore

/// Turns rows of the facilities file (`code,name,address,city,state,postal_code,phone,visiting_info`)
/// into ``Facility`` values.
public struct FacilityRowDecoder: Sendable {
    private let index: [FacilityColumn: Int]
    public let unknownColumns: [String]

    public init(columns: [String], path: String) throws(FeedSchemaError) {
        var index: [FacilityColumn: Int] = [:]
        var unknown: [String] = []
        for (position, name) in columns.enumerated() {
            if let column = FacilityColumn(rawValue: name) { index[column] = position } else { unknown.append(name) }
        }
        let missing = FacilityColumn.required.filter { index[$0] == nil }.map(\.rawValue)
        guard missing.isEmpty else { throw FeedSchemaError(path: path, missingColumns: missing) }
        self.index = index
        unknownColumns = unknown
    }

    public func decode(_ row: RawRow) -> Result<Facility, RowProblem> {
        if let problem = row.problem { return .failure(problem) }
        func value(_ column: FacilityColumn) -> String {
            guard let position = index[column], position < row.values.count, let text = row.values[position] else {
                return ""
            }
            return text.trimmingASCIIWhitespace()
        }
        let code = value(.code)
        guard !code.isEmpty else { return .failure(RowProblem(line: row.line, column: "code", reason: "is required")) }
        guard code.utf8.count <= 32, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            return .failure(RowProblem(line: row.line, column: "code", reason: "must be 1–32 ASCII letters, digits, '-' or '_'"))
        }
        let name = value(.name)
        guard !name.isEmpty else { return .failure(RowProblem(line: row.line, column: "name", reason: "is required")) }
        let state = value(.state).uppercased()
        return .success(
            Facility(
                code: code, name: name, address: value(.address), city: value(.city), state: state,
                postalCode: value(.postalCode), phone: value(.phone), visitingInfo: value(.visitingInfo)
            )
        )
    }
}
