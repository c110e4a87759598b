/// How a concat writes its audio: the segments' AAC packets copied (`AudioCopyTrack`) or everything decoded and
/// encoded again (`ConcatAudioReencode`), with the reason.
enum ConcatAudioPlan {
    case copy(AACCopyFormat)
    case reencode(reason: String)

    /// The plan for `facts` (nil when no segment has audio): copy when every segment with audio has AAC-LC
    /// packets one frame apart in the first one's format.
    static func decide(_ facts: [SegmentFacts]) -> ConcatAudioPlan? {
        guard let reference = facts.first(where: { $0.audioFormat != nil }), let format = reference.audioFormat else { return nil }
        for f in facts {
            if f.hasAudio && f.audioFormat == nil { return .reencode(reason: "\(f.path): the audio stream cannot be read") }
            if let problem = f.audioCopyProblem { return .reencode(reason: "\(f.path): \(problem)") }
            if let other = f.audioFormat, let difference = format.difference(other) { return .reencode(reason: "\(f.path): \(difference)") }
        }
        return .copy(format)
    }

    /// The reason for re-encoding, nil when copying.
    var reason: String? {
        if case .reencode(let reason) = self { return reason }
        return nil
    }

    /// The output's audio track for an assembler writing `input` into `output` (nil without audio).
    static func makeTrack(_ input: AssemblyInput, output: OutputContainer) throws -> (any ConcatAudioOutput)? {
        guard let audio = input.audio else { return nil }
        switch input.audioPlan {
        case .copy(let format)?:
            return try AudioCopyTrack(output: output, format: format, bitRate: input.audioBitRate, segmentCount: input.facts.count)
        case .reencode(let reason)?:
            return try ConcatAudioReencode(
                output: output, sampleRate: audio.rate, channels: audio.channels, bitRate: input.audioBitRate, reason: reason)
        case nil:
            return try ConcatAudioReencode(
                output: output, sampleRate: audio.rate, channels: audio.channels, bitRate: input.audioBitRate, reason: "no audio format decided")
        }
    }
}
