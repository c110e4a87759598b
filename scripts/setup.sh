#!/usr/bin/env bash
# Installs the Debian packages shotchain needs (FFmpeg's libraries and headers, pkg-config), the ffmpeg CLI
# (and curl) used by the tests as independent oracles, with --tests also Chromium (the headless browser report.html
# is tested in), and the official Python SDK (segmind 1.3.0) in .build/sdk-venv for the simulator's SDK test.
# Safe to run again; does nothing when all are present.
set -euo pipefail

packages=(libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev zlib1g-dev pkg-config ffmpeg curl python3-venv)
# The tests also need Chromium (scripts/test.sh passes --tests); the demo does not.
if [ "${1:-}" = "--tests" ]; then packages+=(chromium); fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (install Swift 6 first)" >&2; exit 1; }

# The simulator's upload test runs the official SDK against it (Tests/SegmindSimulatorTests/OfficialSDKTests.swift).
venv="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.build/sdk-venv"
if ! "$venv/bin/python" -c 'import segmind, sys; sys.exit(segmind.__version__ != "1.3.0")' 2>/dev/null; then
    echo "setup: installing segmind==1.3.0 into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check segmind==1.3.0
fi
