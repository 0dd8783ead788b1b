import Foundation
import RiskData

/// Decodes `data` with the project's scanner and decoder (the path bundles and schemas take).
func decodeWithTape<T: Decodable>(_ type: T.Type, _ data: Data, limits: JSONLimits = JSONLimits()) throws -> T {
    try JSONDocument.withDocument(data, limits: limits) { try JSONValueDecoder.decode(T.self, from: $0) }
}

/// The one-line error our decoder gives for `text` decoded as `type`, or `nil` when it decodes.
func tapeError<T: Decodable>(_ type: T.Type, _ text: String, limits: JSONLimits = JSONLimits()) -> String? {
    do {
        _ = try decodeWithTape(T.self, Data(text.utf8), limits: limits)
        return nil
    } catch let error as JSONReadError {
        return error.description
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.keyNotFound(_, context), let DecodingError.dataCorrupted(context) {
        let path = JSONValueDecoder.describe(context.codingPath)
        let detail = context.debugDescription
        return path.isEmpty ? detail : path + (detail.hasPrefix("is ") ? " " : ": ") + detail
    } catch {
        return "\(error)"
    }
}
