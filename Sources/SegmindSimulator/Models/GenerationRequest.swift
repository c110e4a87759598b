import Foundation
import SegmindCatalog

/// An input URL of a request: the parameter it came from (`image_urls[1]` for a list item), and what it must hold.
struct InputURL: Sendable, Equatable {
    /// The parameter, with the item index for a list.
    var parameter: String
    /// The parameter's role.
    var role: ParameterRole?
    /// The URL.
    var url: String
    /// True when it must be a video (the reference video), false for an image.
    var isVideo: Bool
}

/// A request body that passed validation; what it asks for is read through the catalog's roles, with the
/// catalog's defaults where a parameter is absent.
struct GenerationRequest: Sendable {
    var model: SimulatedModel
    var values: [String: JSONValue]

    private func value(_ role: ParameterRole) -> JSONValue? { model.spec.value(of: role, in: values) }

    var prompt: String { value(.prompt)?.stringValue ?? "" }

    /// Seconds of video (the catalog default when absent, else 5).
    var duration: Int { value(.duration).flatMap(SimulatedModel.seconds) ?? 5 }

    /// `std` or `pro`; a model without a quality tier renders as pro.
    var mode: String { value(.mode)?.stringValue ?? "pro" }

    /// The requested aspect ratio, or nil for "auto", no aspect parameter, or follow the input image.
    var requestedAspect: AspectRatio? { value(.aspectRatio)?.stringValue.flatMap(AspectRatio.init) }

    /// Whether the output carries an AAC track.
    var wantsAudio: Bool { value(.audio)?.boolValue ?? false }

    /// `png` or `jpg` for an image model.
    var outputFormat: String { value(.outputFormat)?.stringValue ?? "png" }

    /// The parameters whose image starts the video (or is edited, for an image model), in order of preference.
    var startParameters: [String] {
        [model.spec.parameter(role: .startImage)?.name, model.spec.parameter(role: .referenceImages).map { "\($0.name)[0]" }].compactMap { $0 }
    }

    /// The parameter of the image the video must end on.
    var endParameter: String? { model.spec.parameter(role: .endImage)?.name }

    /// Every input URL in fetch order: start image, end image, reference video, then the reference images.
    var inputURLs: [InputURL] {
        var list: [InputURL] = []
        for role in [ParameterRole.startImage, .endImage, .referenceVideo] {
            if let p = model.spec.parameter(role: role), let s = values[p.name]?.stringValue {
                list.append(InputURL(parameter: p.name, role: role, url: s, isVideo: role == .referenceVideo || p.media == "video"))
            }
        }
        if let p = model.spec.parameter(role: .referenceImages) {
            for (i, s) in (values[p.name]?.arrayValue?.compactMap(\.stringValue) ?? []).enumerated() {
                list.append(InputURL(parameter: "\(p.name)[\(i)]", role: .referenceImages, url: s, isVideo: p.media == "video"))
            }
        }
        return list
    }

    /// The price in thousandths of a dollar, from the catalog's price rule.
    ///
    /// A flat price is for a video of the default duration and scales with the duration asked for; a per-second
    /// rule bills the first rate whose condition matches, leaving the audio parameter out of the match (the
    /// simulator bills no audio surcharge: the catalog's mixed rate is an estimate). A model without a price is free.
    var costMillis: Int {
        let price = model.spec.price
        if let usd = price.usd {
            let flat = Self.millis(usd)
            guard let d = model.spec.parameter(role: .duration), let base = d.default.flatMap(SimulatedModel.seconds), base > 0 else { return flat }
            return flat * duration / base
        }
        guard let perSecond = price.perSecond else { return 0 }
        let audio = model.spec.parameter(role: .audio)?.name
        let defaults = model.spec.defaults
        let rate = perSecond.rates.first { rate in
            rate.when.allSatisfy { key, expected in
                guard key != audio else { return true }
                guard let actual = values[key] ?? defaults[key] else { return false }
                return PriceRule.same(actual, expected)
            }
        }
        return Self.millis(rate?.usdPerSecond ?? 0) * duration
    }

    /// US dollars as thousandths; 0 for a number that is negative, not finite or absurdly large.
    private static func millis(_ usd: Double) -> Int {
        guard usd.isFinite, usd >= 0, usd < 1e9 else { return 0 }
        return Int((usd * 1000).rounded())
    }
}
