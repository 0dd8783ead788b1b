/// A table's columns as buffer pointers: what the row loop reads (no retains, no struct copies).
struct TableKernel {
    let view: TableView
    let tableCodes: [UnsafeBufferPointer<Int32>]
    let maps: [UnsafeBufferPointer<Int32>]
    let numbers: [UnsafeBufferPointer<Double>]
    let days: UnsafeBufferPointer<Int32>

    @inline(__always)
    func number(_ index: Int, _ row: Int) -> Double {
        let column = numbers[index]
        return column.isEmpty ? .nan : column[row]
    }

    @inline(__always)
    func date(_ row: Int) -> Int32? {
        guard !days.isEmpty else { return nil }
        let day = days[row]
        return day == Int32.min ? nil : day
    }

    @inline(__always)
    func amounts(row: Int) -> RowAmounts {
        RowAmounts(value: number(NumberIndex.value, row), fob: number(NumberIndex.fob, row),
                   quantity: number(NumberIndex.quantity, row), net: number(NumberIndex.net, row),
                   gross: number(NumberIndex.gross, row), taxes: number(NumberIndex.taxes, row))
    }

    /// Fitted codes of every key field of `row` into `codes` (−1 missing, −2 unseen).
    @inline(__always)
    func resolveCodes(row: Int, routePairs: [Int64: Int32], into codes: UnsafeMutableBufferPointer<Int32>) {
        for field in 0..<tableCodes.count {
            let columnCodes = tableCodes[field]
            var code = KeyCode.missing
            if !columnCodes.isEmpty {
                let tableCode = Int(columnCodes[row])
                let map = maps[field]
                if tableCode >= 0, tableCode < map.count { code = map[tableCode] }
            }
            codes[field] = code
        }
        if let routeField = view.routeField, let originField = view.originField,
           let departureField = view.departureField {
            let origin = codes[originField], departure = codes[departureField]
            if origin == KeyCode.missing || departure == KeyCode.missing {
                codes[routeField] = KeyCode.missing
            } else if origin >= 0, departure >= 0, let route = routePairs[KeyText.pair(departure, origin)] {
                codes[routeField] = route
            } else {
                codes[routeField] = KeyCode.unseen
            }
        }
    }

    /// 1 when departure ≠ origin, 0 when equal, NaN when either is missing.
    @inline(__always)
    func routeDiffers(row: Int, codes: UnsafeMutableBufferPointer<Int32>) -> Double {
        guard let originField = view.originField, let departureField = view.departureField else { return .nan }
        let origin = codes[originField], departure = codes[departureField]
        if origin == KeyCode.missing || departure == KeyCode.missing { return .nan }
        if origin >= 0, departure >= 0 { return origin != departure ? 1 : 0 }
        // An unseen country: compare the texts (rare path).
        let originText = view.text(field: originField, row: row).map { $0.trimmingSpaces() }
        let departureText = view.text(field: departureField, row: row).map { $0.trimmingSpaces() }
        return originText != departureText ? 1 : 0
    }
}
