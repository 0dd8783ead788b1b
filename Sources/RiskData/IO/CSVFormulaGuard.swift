/// The project's policy against CSV formula injection, for every text cell it writes into a CSV
/// file (declaration ids, reason texts and codes, reject messages, feature-matrix ids).
///
/// A spreadsheet opening a CSV file runs a cell that starts with `=`, `+`, `-` or `@` as a formula
/// (and some treat a leading tab or carriage return the same way), so an id such as
/// `=HYPERLINK("http://…")` in a declaration file would become live in the score file. As OWASP
/// recommends, such a text cell is written with a single quote (`'`) before it, which spreadsheets
/// show as text; the value is otherwise unchanged. Numeric cells are never prefixed (a negative
/// number keeps its sign), and JSON outputs keep every value exactly. Docs/DataFormat.md states it.
public enum CSVFormulaGuard {
    /// The byte written before a guarded cell: `'`.
    public static let prefix: UInt8 = 0x27

    /// Whether a text cell whose first byte is `byte` must be written with ``prefix`` before it:
    /// `=`, `+`, `-`, `@`, tab or carriage return.
    @inlinable
    public static func guards(firstByte byte: UInt8) -> Bool {
        byte == 0x3D || byte == 0x2B || byte == 0x2D || byte == 0x40 || byte == 0x09 || byte == 0x0D
    }
}
