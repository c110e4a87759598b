import CFFmpeg

/// How libx264 is set up to re-encode decoded source frames: the source's picture, its H.264 profile and level
/// when it has them, the rate control and the GOP structure. Trim's full re-encode, its smart cut and concat's
/// seam GOPs all open their encoders from one of these.
struct X264Setup {
    /// Constant quality or lossless.
    enum Quality: Equatable {
        case crf(Int)
        /// qp 0 (the profile is then left to libx264: lossless needs High 4:4:4 Predictive).
        case lossless
    }

    var picture: SplicePicture
    /// The x264 profile name matching the source, nil for none.
    var profile: String?
    /// The source's `level_idc`, 0 for none.
    var level: Int32
    var preset: String
    var quality: Quality
    /// The largest number of consecutive B-frames (0 for parts spliced between copied GOPs).
    var bFrames = 0
    var gopFrames = 100_000
    /// SPS/PPS in the extradata instead of in the packets.
    var globalHeader = true
    /// The seq_parameter_set_id (and pic_parameter_set_id), nil for libx264's default 0.
    var parameterSetID: Int?

    /// A setup matching `picture` and the profile and level of the video described by `parameters` (H.264 only:
    /// from its avcC record when it has one, since codecpar may not have them before frames are parsed).
    init(picture: SplicePicture, source parameters: AVCodecParameters, preset: String, quality: Quality) {
        self.picture = picture
        self.preset = preset
        self.quality = quality
        profile = nil
        level = 0
        guard parameters.codec_id == AV_CODEC_ID_H264 else { return }
        if let config = AVCConfig(parameters: parameters) {
            profile = Self.profileName(profileIDC: Int(config.header[1]))
            level = Int32(config.header[3])
        } else {
            profile = parameters.profile > 0 ? Self.profileName(profileIDC: Int(parameters.profile) & 0xFF) : nil
            level = max(0, parameters.level)
        }
    }

    /// The x264 profile for an H.264 `profile_idc` (constraint flags removed), nil when libx264 has none.
    static func profileName(profileIDC: Int) -> String? {
        switch profileIDC {
        case 66: return "baseline"
        case 77: return "main"
        case 100: return "high"
        case 110: return "high10"
        case 122: return "high422"
        case 244: return "high444"
        default: return nil
        }
    }

    /// The x264-params string.
    var x264Params: String {
        var params = "scenecut=0:log=-1"
        if let parameterSetID { params += ":sps-id=\(parameterSetID)" }
        return params
    }

    /// Opens a libx264 encoder with this setup.
    /// - Parameter threads: libx264 threads (0: its own choice, frame threads for the cores).
    /// - Throws: `MediaError.encodeFailed` naming `path` when the size is odd, libx264 cannot take the pixel
    ///   format or refuses the settings.
    func open(threads: Int32 = 0, path: String) throws -> CodecEncoder {
        let encoder = try CodecEncoder(name: "libx264", path: path)
        let ctx = encoder.context
        if picture.width % 2 != 0 || picture.height % 2 != 0 {
            throw MediaError.encodeFailed(path: path, detail: "\(picture.width)x\(picture.height) cannot be re-encoded as H.264 4:2:0 (odd size)")
        }
        if !encoder.supportsPixelFormat(picture.pixelFormat) {
            let name = ffString(av_get_pix_fmt_name(picture.pixelFormat)) ?? "\(picture.pixelFormat.rawValue)"
            throw MediaError.encodeFailed(path: path, detail: "libx264 cannot encode pixel format \(name)")
        }
        picture.apply(to: ctx)
        ctx.pointee.gop_size = Int32(clamping: gopFrames)
        ctx.pointee.max_b_frames = Int32(clamping: bFrames)
        ctx.pointee.thread_count = threads
        if level > 0 { ctx.pointee.level = level }
        if globalHeader { ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        try encoder.setOption("preset", preset)
        switch quality {
        case .crf(let crf):
            try encoder.setOption("crf", String(crf))
            if let profile { try encoder.setOption("profile", profile) }
        case .lossless:
            try encoder.setOption("qp", "0")
        }
        try encoder.setOption("x264-params", x264Params)
        try encoder.open(describing: "x264 \(x264Params), profile \(profile ?? "any"), preset \(preset)")
        return encoder
    }
}
