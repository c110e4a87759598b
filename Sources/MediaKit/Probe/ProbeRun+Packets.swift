import CFFmpeg

extension ProbeRun {
    // MARK: Index

    /// Frame and keyframe counts from the demuxer index (MP4/MOV): entries an edit list hides are left out of
    /// `frames`; entries whose bytes are past the end of the file are left out and flag the file as truncated.
    func tallyFromIndex(stream i: Int) -> Tally {
        let entries = container.indexEntries(stream: i)
        var tally = Tally()
        var missing = 0
        var furthest: Int64 = 0
        for e in entries {
            let end = e.pos + Int64(e.size)
            if end > fileSize {
                missing += 1
                furthest = max(furthest, end)
                continue
            }
            if e.isKeyframe { tally.keyframes += 1 }
            if !e.isDiscarded { tally.frames += 1 }
        }
        if missing > 0 { flagTruncated(stream: i, missing: missing, of: entries.count, furthest: furthest) }
        let st = container.stream(i)
        if st.pointee.start_time != cff_AV_NOPTS_VALUE { tally.minPts = st.pointee.start_time }
        // Audio has no reordering: its last shown packet's DTS is its PTS.
        if st.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO,
            let last = entries.last(where: { !$0.isDiscarded && $0.pos + Int64($0.size) <= fileSize })
        {
            tally.maxPts = last.timestamp
        }
        return tally
    }

    /// Flags truncation when any index entry points past the end of the file (for indexes that are not counted).
    func checkIndexBounds(stream i: Int) {
        let entries = container.indexEntries(stream: i)
        let beyond = entries.filter { $0.pos + Int64($0.size) > fileSize }
        if !beyond.isEmpty {
            flagTruncated(stream: i, missing: beyond.count, of: entries.count, furthest: beyond.map { $0.pos + Int64($0.size) }.max()!)
        }
    }

    func flagTruncated(stream i: Int, missing: Int, of total: Int, furthest: Int64) {
        truncated = true
        problems.append(
            "stream \(i): \(missing) of \(total) indexed packets lie past the end of the file (the index reaches byte \(furthest), the file has \(fileSize) bytes)"
        )
    }

    /// The largest PTS of a shown packet of video stream `i`, read from the last keyframe to the end of the file.
    func lastVideoPts(stream i: Int) -> (Int64, Int64)? {
        let keys = container.indexEntries(stream: i).filter { $0.isKeyframe && $0.pos + Int64($0.size) <= fileSize }
        guard let lastKey = keys.last else { return nil }
        container.discardAll(except: [i])
        guard (try? container.seek(stream: i, to: lastKey.timestamp, backward: true)) != nil else { return nil }
        let packet = Packet()
        var tally = Tally()
        while (try? container.read(into: packet)) == true {
            if packet.streamIndex == i && !packet.isDiscarded { tally.add(pts: packet.pts, duration: packet.duration) }
        }
        guard let maxPts = tally.maxPts else { return nil }
        return (maxPts, tally.durationOfMaxPts)
    }

    // MARK: Demuxing

    /// Reads packets from the current position. Streams in `counting` are tallied to the end of the file;
    /// the first frame of each decoder's stream is decoded. Without streams to count, reading stops as soon
    /// as every decoder has its frame.
    func scan(counting: Set<Int>, decoders: FirstFrames, tallies: inout [Int: Tally]) {
        let keep = counting.union(decoders.pending)
        if keep.isEmpty { return }
        container.discardAll(except: keep)
        for i in counting { tallies[i] = Tally() }
        let packet = Packet()
        var packetsRead = 0
        while true {
            if counting.isEmpty && (decoders.pending.isEmpty || packetsRead > 4096) { break }
            let more: Bool
            do {
                more = try container.read(into: packet)
            } catch {
                if !counting.isEmpty {
                    truncated = true
                    problems.append("reading stopped after \(packetsRead) packets: \(detail(of: error))")
                }
                break
            }
            if !more { break }
            packetsRead += 1
            let s = packet.streamIndex
            if counting.contains(s) {
                if packet.isKeyframe { tallies[s]?.keyframes += 1 }
                if !packet.isDiscarded {
                    tallies[s]?.frames += 1
                    tallies[s]?.add(pts: packet.pts, duration: packet.duration)
                }
            }
            decoders.feed(packet)
        }
    }

    /// Matroska records the duration in its header; packets that end well before it mean the file was cut.
    func checkPacketsCoverDuration(_ streams: [StreamInfo]) {
        guard ctx.pointee.duration > 0, !truncated else { return }
        let header = Double(ctx.pointee.duration) / Double(AV_TIME_BASE)
        let ends = streams.compactMap { s -> Double? in
            guard let start = s.startTime, let d = s.duration, s.kind == .video || s.kind == .audio else { return nil }
            return start + d
        }
        guard let end = ends.max(), end < header - max(0.5, header * 0.1) else { return }
        truncated = true
        problems.append("packets stop at \(MediaInfo.seconds(end)) s but the header says the file lasts \(MediaInfo.seconds(header)) s")
    }
}
