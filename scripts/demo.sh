#!/usr/bin/env bash
# The main job, offline: installs what is missing, builds shotchain, and runs the bundled demo storyboard
# (three chained shots: one with an end image, one with audio) against the built-in Segmind simulator.
# Each shot starts from the exact last frame of the one before; the shots are assembled into final.mp4
# with their held seam frames trimmed and colours matched to the first shot, verified, and reported
# (report.md, report.json, contact-sheet.png).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product shotchain
bin=.build/debug/shotchain
out=demo-out
mkdir -p "$out"
# The storyboard names its start and end images relative to itself; make them here (no binaries in git).
cp presets/storyboards/demo.yaml "$out/demo.yaml"
ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i "testsrc2=s=1280x720:d=1" -frames:v 1 "$out/demo-start.png"
ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i "gradients=s=1280x720:c0=0x203060:c1=0xe08030:seed=7:d=1" \
    -frames:v 1 "$out/demo-end.png"
"$bin" chain "$out/demo.yaml" --dry-run
"$bin" chain "$out/demo.yaml" --simulate --out "$out/run"
"$bin" verify "$out/run/final.mp4" --aspect 16:9 --audio yes --decode
"$bin" probe "$out/run/final.mp4"
echo "demo: wrote $out/run/final.mp4; open $out/run/report.html (also report.md, report.json, contact-sheet.png)"
