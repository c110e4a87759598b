import CFFmpeg

/// How a concat writes its video: copy everything, copy all but the seam GOPs, or encode everything (with the
/// reason per segment).
enum ConcatPlan {
    case copy
    case copyWithSeamGOPs(SpliceEncoder)
    case encode([String])

    /// The plan for `facts` cut by `cuts` under `options`.
    /// - Throws: `MediaError.invalidArgument` when `--reencode never` forbids what is needed.
    static func decide(facts: [SegmentFacts], cuts: [SegmentCut], first: ConcatSegment, options: ConcatOptions, path: String) throws
        -> ConcatPlan
    {
        var crossfades = false
        if case .crossfade = options.seam { crossfades = true }
        let seamNeedsEncode = crossfades && facts.count > 1
        let cutNeedingEncode = cuts.indices.first { !cuts[$0].reencodedGOPs.isEmpty }
        switch options.reencode {
        case .never:
            if let bad = facts.first(where: { $0.incompatibility != nil }) {
                throw MediaError.invalidArgument(
                    "\(bad.path): cannot be stream-copied after \(facts[0].path): \(bad.incompatibility ?? "") (--reencode never)")
            }
            if seamNeedsEncode || (options.seam == .dropFirst && cutNeedingEncode != nil && !cuts.contains(where: \.isEdited)) {
                throw MediaError.invalidArgument(
                    "concat: --seam \(options.seam) re-encodes video at the seams, which --reencode never forbids")
            }
            if let k = cutNeedingEncode {
                throw MediaError.invalidArgument(
                    "\(facts[k].path) (segment \(k + 1)): its edit re-encodes video (a drop inside a GOP or a colour correction), "
                        + "which --reencode never forbids")
            }
            return .copy
        case .always:
            return .encode(facts.map { _ in "--reencode always" })
        case .auto:
            let firstBad = facts.first { $0.incompatibility != nil }
            if firstBad == nil && !seamNeedsEncode && cutNeedingEncode == nil { return .copy }
            let editsUnderCrossfade = seamNeedsEncode && cuts.contains(where: \.isEdited)
            var spliceFailure: String?
            if firstBad == nil, !editsUnderCrossfade {
                do {
                    try checkSeamGOPs(facts, seam: options.seam)
                    return .copyWithSeamGOPs(try seamEncoder(first: first, options: options, path: path))
                } catch let error as SpliceUnavailable {
                    spliceFailure = error.reason
                }
            }
            return .encode(
                facts.map { f in
                    if let why = f.incompatibility { return why }
                    if let bad = firstBad {
                        return "\(bad.path) must be re-encoded and the output has one set of parameter sets"
                    }
                    if editsUnderCrossfade { return "--seam \(options.seam) with segment edits re-encodes all video" }
                    if let spliceFailure, options.seam == .keep || cuts.contains(where: \.isEdited) {
                        return "the segment edits cannot re-encode only the GOPs they cut (\(spliceFailure))"
                    }
                    if let spliceFailure {
                        return "--seam \(options.seam) cannot re-encode only the GOPs at the seams (\(spliceFailure))"
                    }
                    return "--seam \(options.seam) re-encodes the seams and the output has one set of parameter sets"
                })
        }
    }

    /// Crossfade re-encodes a segment's first and last GOP as one: each must be long enough.
    private static func checkSeamGOPs(_ facts: [SegmentFacts], seam: SeamPolicy) throws {
        guard case .crossfade(let n) = seam else { return }
        for (k, f) in facts.enumerated() {
            if k > 0 && f.firstGOPFrames <= n {
                throw SpliceUnavailable(reason: "\(f.path) has a first GOP of \(f.firstGOPFrames) frames")
            }
            if k < facts.count - 1 && f.lastGOPFrames < n {
                throw SpliceUnavailable(reason: "\(f.path) has a last GOP of \(f.lastGOPFrames) frames")
            }
            if k > 0 && k < facts.count - 1 && f.keyframes < 2 {
                throw SpliceUnavailable(reason: "\(f.path) has a single GOP")
            }
        }
    }

    /// The seam GOP encoder matched to the first segment's video (8-bit 4:2:0 H.264 in avcC form).
    /// - Throws: `SpliceUnavailable` when the source cannot be matched.
    static func seamEncoder(first: ConcatSegment, options: ConcatOptions, path: String) throws -> SpliceEncoder {
        let par = first.par.pointee
        guard par.codec_id == AV_CODEC_ID_H264 else { throw SpliceUnavailable(reason: "the video is not H.264") }
        guard let source = AVCConfig(parameters: par) else { throw SpliceUnavailable(reason: "the video has no avcC record") }
        let pixelFormat = try first.decodedPixelFormat()
        guard pixelFormat == AV_PIX_FMT_YUV420P else {
            throw SpliceUnavailable(reason: "pixel format \(ffString(av_get_pix_fmt_name(pixelFormat)) ?? "?") is not yuv420p")
        }
        let preset = try options.preset.map { try VideoEncodeSettings.preset(at: $0, width: 64, height: 64, frameRate: Rational(24, 1)) }
        let picture = SplicePicture(parameters: par, pixelFormat: pixelFormat, timeBase: first.timeBase, frameRate: first.frameRate)
        let setup = X264Setup(picture: picture, source: par, preset: preset?.preset ?? "veryfast", quality: .crf(preset?.crf ?? 18))
        guard setup.profile != nil else {
            throw SpliceUnavailable(reason: "H.264 profile_idc \(source.header[1]) cannot be matched by libx264 here")
        }
        return try SpliceEncoder(source: source, setup: setup, path: path)
    }
}
