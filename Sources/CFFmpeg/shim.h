// Shim for the parts of FFmpeg's C headers that Swift cannot import directly:
// function-like macros, compound literals and error constants built from macros.
// Everything here is our own thin inline wrapper; no behaviour lives in this file.
#ifndef SHOTCHAIN_CFFMPEG_SHIM_H
#define SHOTCHAIN_CFFMPEG_SHIM_H

#include <errno.h>
#include <stdint.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
#include <libavutil/audio_fifo.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>
#include <zlib.h>

static const int cff_AVERROR_EOF = AVERROR_EOF;
static const int cff_AVERROR_EAGAIN = AVERROR(EAGAIN);
static const int cff_AVERROR_ENOMEM = AVERROR(ENOMEM);
static const int cff_AVERROR_EINVAL = AVERROR(EINVAL);
static const int cff_AVERROR_ENOENT = AVERROR(ENOENT);
static const int cff_AVERROR_EIO = AVERROR(EIO);
static const int cff_AVERROR_INVALIDDATA = AVERROR_INVALIDDATA;
static const int cff_AVERROR_DECODER_NOT_FOUND = AVERROR_DECODER_NOT_FOUND;
static const int cff_AVERROR_ENCODER_NOT_FOUND = AVERROR_ENCODER_NOT_FOUND;
static const int cff_AVERROR_PATCHWELCOME = AVERROR_PATCHWELCOME;
static const int64_t cff_AV_NOPTS_VALUE = AV_NOPTS_VALUE;

/// AVERROR(e) as a function.
static inline int cff_averror(int e) { return AVERROR(e); }

/// AV_TIME_BASE_Q as a function (the macro is a compound literal).
static inline AVRational cff_time_base_q(void) { return (AVRational){1, AV_TIME_BASE}; }

/// The stream's display matrix (9 x int32, 16.16 fixed point) or NULL.
/// FFmpeg 5.1 keeps it in stream side data; 6.1 and later move it to codecpar->coded_side_data.
static inline const int32_t *cff_stream_display_matrix(const AVStream *st) {
#if LIBAVFORMAT_VERSION_MAJOR < 61
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (data == NULL || size < 9 * sizeof(int32_t)) return NULL;
    return (const int32_t *)data;
#else
    const AVPacketSideData *sd = av_packet_side_data_get(st->codecpar->coded_side_data,
                                                         st->codecpar->nb_coded_side_data,
                                                         AV_PKT_DATA_DISPLAYMATRIX);
    if (sd == NULL || sd->size < 9 * sizeof(int32_t)) return NULL;
    return (const int32_t *)sd->data;
#endif
}

/// Adds a display matrix to an output stream (for muxing rotated video).
static inline int cff_stream_set_display_matrix(AVStream *st, const int32_t *matrix) {
#if LIBAVFORMAT_VERSION_MAJOR < 61
    uint8_t *data = av_stream_new_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t));
    if (data == NULL) return AVERROR(ENOMEM);
    memcpy(data, matrix, 9 * sizeof(int32_t));
    return 0;
#else
    AVPacketSideData *sd = av_packet_side_data_new(&st->codecpar->coded_side_data,
                                                   &st->codecpar->nb_coded_side_data,
                                                   AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t), 0);
    if (sd == NULL) return AVERROR(ENOMEM);
    memcpy(sd->data, matrix, 9 * sizeof(int32_t));
    return 0;
#endif
}

/// The frame's display matrix side data (JPEG EXIF orientation lands here) or NULL.
static inline const int32_t *cff_frame_display_matrix(const AVFrame *frame) {
    const AVFrameSideData *sd = av_frame_get_side_data(frame, AV_FRAME_DATA_DISPLAYMATRIX);
    if (sd == NULL || sd->size < 9 * sizeof(int32_t)) return NULL;
    return (const int32_t *)sd->data;
}

/// The number of channels of a codec parameter set, across the 5.1 and later channel layout APIs.
static inline int cff_codecpar_channels(const AVCodecParameters *par) {
    return par->ch_layout.nb_channels;
}

/// Human-readable channel layout ("stereo", "5.1(side)") into buf; returns bytes written or < 0.
static inline int cff_codecpar_channel_layout_describe(const AVCodecParameters *par, char *buf, size_t size) {
    return av_channel_layout_describe(&par->ch_layout, buf, size);
}

/// `deflateInit2` (a macro Swift cannot import): 8-bit deflate at `level`; `windowBits` 15 writes a zlib
/// header and trailer, -15 raw deflate data.
static inline int cff_deflate_init(z_stream *stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

/// The log callback shotchain installs: nothing is printed (errors travel as typed Swift errors), but every
/// message at error level or worse that a codec context logs is counted in the `int` its `opaque` field
/// points to, when one is set there. Frame-threaded decoders log through per-thread copies of the context
/// that keep the caller's `opaque`, so the count covers errors a worker thread hit even when FFmpeg does not
/// return them (FFmpeg 5.1 drops a worker's error while draining).
static void cff_log_callback(void *avcl, int level, const char *fmt, va_list vl) {
    (void)fmt;
    (void)vl;
    if (level > AV_LOG_ERROR || avcl == NULL) return;
    const AVClass *cls = *(const AVClass **)avcl;
    if (cls != avcodec_get_class()) return;
    int *counter = (int *)((AVCodecContext *)avcl)->opaque;
    if (counter != NULL) __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/// The number of error messages counted in `counter` so far (see `cff_log_callback`).
static inline int cff_error_count(const int *counter) { return __atomic_load_n(counter, __ATOMIC_RELAXED); }

/// Makes FFmpeg's own logging quiet (errors are reported by the caller through typed errors) while still
/// counting decoder errors for contexts that ask for it (see `cff_log_callback`).
static inline void cff_set_log_quiet(void) {
    av_log_set_level(AV_LOG_QUIET);
    av_log_set_callback(cff_log_callback);
}

#endif
