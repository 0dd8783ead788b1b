/// The library version (semantic versioning; see Docs/PublicAPI.md).
public enum CustomsRiskVersion {
    public static let string = "0.1.0"
}
