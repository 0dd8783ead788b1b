/// Gives each column of a declaration file a role. Stored as JSON (see Docs/DataFormat.md):
///
/// ```json
/// { "id": "declaration_id", "date": "date", "label": "illicit", "revenue": "revenue",
///   "fields": [ {"column": "hs_code", "role": "hs_code"}, {"column": "notes", "role": "ignore"} ] }
/// ```
///
/// `label` and `revenue` may be absent (or absent from the file) when scoring. Columns of the
/// file that the schema does not name are ignored.
public struct DeclarationSchema: Sendable, Hashable, Codable {
    /// One column and its role.
    public struct Field: Sendable, Hashable, Codable {
        public var column: String
        public var role: FieldRole
        public init(column: String, role: FieldRole) {
            self.column = column
            self.role = role
        }
    }

    /// Column holding the declaration id (required).
    public var id: String
    /// Column holding the declaration date (`YYYY-MM-DD`), optional.
    public var date: String?
    /// Column holding the 0/1 inspection outcome, optional (required for training).
    public var label: String?
    /// Column holding the revenue recovered, optional.
    public var revenue: String?
    /// Every other column with a role.
    public var fields: [Field]

    public init(id: String, date: String? = nil, label: String? = nil, revenue: String? = nil, fields: [Field]) {
        self.id = id
        self.date = date
        self.label = label
        self.revenue = revenue
        self.fields = fields
    }

    /// The first column with `role`, if any.
    public func column(for role: FieldRole) -> String? {
        fields.first { $0.role == role }?.column
    }

    /// All columns with `role`, in schema order.
    public func columns(for role: FieldRole) -> [String] {
        fields.filter { $0.role == role }.map(\.column)
    }
}
