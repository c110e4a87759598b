#!/usr/bin/env bash
# Assembly benchmark (issue 3): shotchain concat / trim side by side with the ffmpeg CLI, in one run.
#
#   SHOTCHAIN=.build/release/shotchain bash bench/assembly.sh [RUNS]
#
# Without SHOTCHAIN the release binary is built first. RUNS (default 3) is the number of timed runs per
# command (hyperfine, one warm-up). Inputs are generated in $WORK (default /tmp/bench-assembly) and reused.
# Prints one table per target with mean wall and CPU (user+sys) times and the ratios the targets are about.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
WORK=${WORK:-/tmp/bench-assembly}
if [ -z "${SHOTCHAIN:-}" ]; then
    swift build -c release --product shotchain >&2
    SHOTCHAIN=$PWD/.build/release/shotchain
fi
SHOTCHAIN=$(realpath "$SHOTCHAIN")
command -v hyperfine >/dev/null || { echo "bench: hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
mkdir -p "$WORK"
cd "$WORK"

# Inputs: one 5 s 1920x1080 24 fps H.264 High clip (2-second GOPs: 48 + 48 + 24 frames, 2 B-frames, AAC
# 48 kHz stereo) copied to s01..s60; v01..v10 are the same without audio; a 60 s 1080p30 clip with 2 s GOPs.
if [ ! -f s60.mp4 ]; then
    ffmpeg -v error -y -f lavfi -i testsrc2=s=1920x1080:r=24:d=5 -f lavfi -i sine=frequency=440:sample_rate=48000:duration=5 \
        -c:v libx264 -preset ultrafast -profile:v high -x264-params keyint=48:min-keyint=48:scenecut=0:bframes=2 \
        -pix_fmt yuv420p -c:a aac -ac 2 -b:a 128k -shortest -movflags +faststart seg.mp4
    ffmpeg -v error -y -i seg.mp4 -an -c copy vseg.mp4
    for i in $(seq -w 1 60); do cp seg.mp4 "s$i.mp4"; done
    for i in $(seq -w 1 10); do cp vseg.mp4 "v$i.mp4"; done
fi
if [ ! -f hd60.mp4 ]; then
    ffmpeg -v error -y -f lavfi -i testsrc2=s=1920x1080:r=30:d=60 -f lavfi -i sine=frequency=440:sample_rate=48000:duration=60 \
        -c:v libx264 -preset ultrafast -profile:v high -x264-params bframes=3:b-adapt=0:keyint=60:min-keyint=60:scenecut=0 \
        -pix_fmt yuv420p -c:a aac -ac 2 -b:a 128k hd60.mp4
fi
S10=$(for i in $(seq -w 1 10); do printf 's%s.mp4 ' "$i"; done)
S60=$(for i in $(seq -w 1 60); do printf 's%s.mp4 ' "$i"; done)
V10=$(for i in $(seq -w 1 10); do printf 'v%s.mp4 ' "$i"; done)
for i in $(seq -w 1 10); do echo "file 's$i.mp4'"; done >list10.txt
for i in $(seq -w 1 10); do echo "file 'v$i.mp4'"; done >listv.txt
FFIN=$(for i in $(seq -w 1 10); do printf -- '-i s%s.mp4 ' "$i"; done)
FFGRAPH=$(for i in $(seq 0 9); do printf '[%d:v][%d:a]' "$i" "$i"; done)'concat=n=10:v=1:a=1[v][a]'

# hyperfine NAME COMMAND... : timed runs, results in NAME.json
run() {
    local name=$1
    shift
    hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$name.json" "$@" >"$name.log" 2>&1 || {
        cat "$name.log" >&2
        exit 1
    }
}

echo "bench: $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >&2
run copy \
    "$SHOTCHAIN concat $S10 -o out10.mp4" \
    "ffmpeg -v error -y -f concat -safe 0 -i list10.txt -c copy ff10.mp4" \
    "ffmpeg -v error -y -f concat -safe 0 -i list10.txt -c:v copy -c:a aac -b:a 192k -movflags +faststart ff10a.mp4"
run videocopy \
    "$SHOTCHAIN concat $V10 -o outv.mp4" \
    "ffmpeg -v error -y -f concat -safe 0 -i listv.txt -c copy ffv.mp4"
run dropfirst \
    "$SHOTCHAIN concat $S10 -o drop10.mp4 --seam drop-first" \
    "ffmpeg -v error -y $FFIN -filter_complex $FFGRAPH -map [v] -map [a] -c:v libx264 -preset veryfast -crf 18 -c:a aac -b:a 192k -movflags +faststart ffdrop.mp4"
# The ffmpeg rows use shotchain's encoder settings for re-encoded frames (libx264 veryfast, crf 16), then ffmpeg's
# defaults (libx264 medium, crf 23): what `ffmpeg -ss S -to E -i IN OUT.mp4` does when typed as is.
run trim2 \
    "$SHOTCHAIN trim hd60.mp4 -o t2.mp4 --start 29 --end 31" \
    "ffmpeg -v error -y -ss 29 -to 31 -i hd60.mp4 -c:v libx264 -preset veryfast -crf 16 -c:a aac t2in.mp4" \
    "ffmpeg -v error -y -i hd60.mp4 -ss 29 -to 31 -c:v libx264 -preset veryfast -crf 16 -c:a aac t2out.mp4" \
    "ffmpeg -v error -y -ss 29 -to 31 -i hd60.mp4 t2def.mp4" \
    "ffmpeg -v error -y -i hd60.mp4 -ss 29 -to 31 t2defout.mp4"
run trim10 \
    "$SHOTCHAIN trim hd60.mp4 -o t10.mp4 --start 25.5 --end 35.5" \
    "ffmpeg -v error -y -ss 25.5 -to 35.5 -i hd60.mp4 -c:v libx264 -preset veryfast -crf 16 -c:a aac t10in.mp4" \
    "ffmpeg -v error -y -ss 25.5 -to 35.5 -i hd60.mp4 t10def.mp4"

# Peak memory of copy concat, 10 vs 60 segments.
mem10=$( { /usr/bin/time -f %M "$SHOTCHAIN" concat $S10 -o m10.mp4 >/dev/null; } 2>&1 | tail -1)
mem60=$( { /usr/bin/time -f %M "$SHOTCHAIN" concat $S60 -o m60.mp4 >/dev/null; } 2>&1 | tail -1)
memdrop=$( { /usr/bin/time -f %M "$SHOTCHAIN" concat $S10 -o md.mp4 --seam drop-first >/dev/null; } 2>&1 | tail -1)

python3 - "$mem10" "$mem60" "$memdrop" <<'EOF'
import json, sys
def load(name):
    r = json.load(open(name + ".json"))["results"]
    return [(x["mean"], x["user"] + x["system"]) for x in r]
def table(title, name, labels, base, target):
    rows = load(name)
    print(f"\n{title}\n")
    print("| command | mean wall s | CPU s | wall ratio | CPU ratio |")
    print("|---|---:|---:|---:|---:|")
    for label, (wall, cpu) in zip(labels, rows):
        print(f"| {label} | {wall:.3f} | {cpu:.3f} | {wall / rows[base][0]:.2f} | {cpu / rows[base][1]:.2f} |")
    print(f"\nTarget: {target}")
table("Copy concat, 10 x 5 s 1080p with AAC (ratios vs shotchain)", "copy",
      ["shotchain concat (video copied, audio re-encoded once)", "ffmpeg concat demuxer -c copy",
       "ffmpeg concat demuxer -c:v copy -c:a aac"], 0,
      "ffmpeg / shotchain >= 1.0 (the -c copy row copies AAC, which drifts at every seam)")
table("Copy concat, video only (ratios vs shotchain)", "videocopy",
      ["shotchain concat", "ffmpeg concat demuxer -c copy"], 0, "ffmpeg / shotchain >= 1.0")
table("drop-first vs full re-encode (ratios vs shotchain)", "dropfirst",
      ["shotchain concat --seam drop-first", "ffmpeg -filter_complex concat, libx264 veryfast crf 18"], 0,
      "ffmpeg / shotchain >= 3.0")
table("Exact trim of 2 s from the middle of 60 s 1080p (ratios vs shotchain)", "trim2",
      ["shotchain trim --start 29 --end 31", "ffmpeg -ss -to before -i (input seeking), veryfast crf 16",
       "ffmpeg -ss -to after -i (output seeking), veryfast crf 16", "ffmpeg -ss -to before -i, defaults",
       "ffmpeg -ss -to after -i, defaults"], 0, "ffmpeg / shotchain >= 4.0")
table("Exact trim of 10 s (smart cut) (ratios vs shotchain)", "trim10",
      ["shotchain trim --start 25.5 --end 35.5", "ffmpeg -ss -to before -i (input seeking), veryfast crf 16",
       "ffmpeg -ss -to before -i, defaults"], 0,
      "ffmpeg / shotchain >= 4.0")
m10, m60, mdrop = (int(x) for x in sys.argv[1:4])
print(f"\nPeak RSS of copy concat: 10 segments {m10} KB, 60 segments {m60} KB ({(m60 / m10 - 1) * 100:+.1f}%; target within 10%)")
print(f"Peak RSS of drop-first concat of 10 segments: {mdrop} KB")
EOF
