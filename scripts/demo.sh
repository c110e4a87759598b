#!/usr/bin/env bash
# The offline demo: installs what is missing, builds shotchain, makes a sample clip and shows
# what shotchain reads from it (probe) and the exact last frame it extracts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product shotchain
bin=.build/release/shotchain
out=demo-out
mkdir -p "$out"
# A "5 s" clip the way Kling delivers it: 24 fps, 121 frames, H.264 High with B-frames, AAC audio.
ffmpeg -hide_banner -loglevel error -nostdin -y \
    -f lavfi -i "testsrc2=s=1280x720:r=24:d=5.04" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=5.0416667" \
    -c:v libx264 -preset veryfast -profile:v high -x264-params bframes=3:keyint=48:scenecut=0 \
    -pix_fmt yuv420p -c:a aac "$out/sample.mp4"
"$bin" probe "$out/sample.mp4"
"$bin" frame "$out/sample.mp4" --last -o "$out/last.png"
"$bin" probe "$out/last.png"
echo "demo: wrote $out/sample.mp4 and its exact last frame $out/last.png"
