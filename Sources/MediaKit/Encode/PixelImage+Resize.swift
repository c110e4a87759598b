import CFFmpeg

extension PixelImage {
    /// How `resized(width:height:mode:)` maps an image onto a size with another aspect ratio.
    public enum ResizeMode: Sendable {
        /// Scale to exactly the new size, distorting the aspect ratio if it differs.
        case stretch
        /// Scale to fit inside the new size, keeping the aspect ratio; the rest is filled with opaque black
        /// (letterbox or pillarbox bars), centred.
        case fit
        /// Scale to cover the new size, keeping the aspect ratio, and crop the overflow equally on both sides.
        case fill
    }

    /// The image scaled to `width` x `height` with libswscale (Lanczos, full chroma, accurate rounding).
    ///
    /// The result has the same layout as the input (RGB or RGBA). A flat colour keeps its value.
    /// - Throws: `MediaError.invalidArgument` for a size that is not positive or above 16384.
    public func resized(width: Int, height: Int, mode: ResizeMode = .fit) throws -> PixelImage {
        guard width > 0, height > 0, width <= 16384, height <= 16384 else {
            throw MediaError.invalidArgument("resize: target size \(width)x\(height) must be within 1...16384")
        }
        let plan = ResizePlan(from: (self.width, self.height), to: (width, height), mode: mode)
        let bpp = bytesPerPixel
        let format = hasAlpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24
        let context = "resize \(self.width)x\(self.height) to \(width)x\(height)"

        // The cropped source, copied into padded, aligned memory (swscale may read past a row's end).
        let source = try Self.allocatedFrame(format: format, width: plan.source.w, height: plan.source.h, context: context)
        let sourceStride = Int(source.pointer.pointee.linesize.0)
        pixels.withUnsafeBufferPointer { src in
            let base = source.pointer.pointee.data.0!
            let rowBytes = plan.source.w * bpp
            for y in 0..<plan.source.h {
                let from = src.baseAddress! + ((plan.source.y + y) * self.width + plan.source.x) * bpp
                (base + y * sourceStride).update(from: from, count: rowBytes)
            }
        }
        let scaled = try Self.allocatedFrame(format: format, width: plan.target.w, height: plan.target.h, context: context)
        let flags = SWS_LANCZOS | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP
        let scaler = try ImageScaler(
            source: format, sourceSize: (plan.source.w, plan.source.h), destination: format,
            destinationSize: (plan.target.w, plan.target.h), flags: flags, context: context)
        scaler.setRGBToRGB()
        let lines = scaler.scale(source, into: scaled)
        guard lines == Int32(plan.target.h) else {
            throw MediaError.invalidArgument("\(context): scaling failed (\(lines))")
        }

        // Place the scaled picture on an opaque black canvas.
        var out = [UInt8](repeating: 0, count: width * height * bpp)
        if hasAlpha {
            for i in stride(from: 3, to: out.count, by: 4) { out[i] = 255 }
        }
        let scaledStride = Int(scaled.pointer.pointee.linesize.0)
        let scaledBase = scaled.pointer.pointee.data.0!
        out.withUnsafeMutableBufferPointer { dst in
            let rowBytes = plan.target.w * bpp
            for y in 0..<plan.target.h {
                let to = dst.baseAddress! + ((plan.target.y + y) * width + plan.target.x) * bpp
                to.update(from: scaledBase + y * scaledStride, count: rowBytes)
            }
        }
        return PixelImage(width: width, height: height, hasAlpha: hasAlpha, pixels: out)
    }

    private static func allocatedFrame(format: AVPixelFormat, width: Int, height: Int, context: String) throws -> Frame {
        let frame = Frame()
        frame.pointer.pointee.format = format.rawValue
        frame.pointer.pointee.width = Int32(width)
        frame.pointer.pointee.height = Int32(height)
        if av_frame_get_buffer(frame.pointer, 0) < 0 {
            throw MediaError.invalidArgument("\(context): cannot allocate a \(width)x\(height) picture")
        }
        return frame
    }
}

/// Which part of the source is scaled, and where it lands in the target.
struct ResizePlan: Equatable {
    /// A rectangle in pixels.
    struct Rect: Equatable {
        var x: Int
        var y: Int
        var w: Int
        var h: Int
    }
    /// The part of the source that is scaled (all of it, except for `.fill`).
    var source: Rect
    /// Where the scaled part goes in the target (all of it, except for `.fit`).
    var target: Rect

    init(from: (Int, Int), to: (Int, Int), mode: PixelImage.ResizeMode) {
        let (sw, sh) = from
        let (tw, th) = to
        source = Rect(x: 0, y: 0, w: sw, h: sh)
        target = Rect(x: 0, y: 0, w: tw, h: th)
        switch mode {
        case .stretch:
            break
        case .fit:
            // Compare sw/sh with tw/th exactly, in integers.
            if sw * th > tw * sh {
                // Wider than the target: full width, bars above and below.
                let h = min(th, max(1, Int((Double(sh) * Double(tw) / Double(sw)).rounded())))
                target = Rect(x: 0, y: (th - h) / 2, w: tw, h: h)
            } else if sw * th < tw * sh {
                let w = min(tw, max(1, Int((Double(sw) * Double(th) / Double(sh)).rounded())))
                target = Rect(x: (tw - w) / 2, y: 0, w: w, h: th)
            }
        case .fill:
            if sw * th > tw * sh {
                // Wider than the target: crop left and right.
                let w = min(sw, max(1, Int((Double(sh) * Double(tw) / Double(th)).rounded())))
                source = Rect(x: (sw - w) / 2, y: 0, w: w, h: sh)
            } else if sw * th < tw * sh {
                let h = min(sh, max(1, Int((Double(sw) * Double(th) / Double(tw)).rounded())))
                source = Rect(x: 0, y: (sh - h) / 2, w: sw, h: h)
            }
        }
    }
}
