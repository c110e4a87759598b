#!/usr/bin/env bash
# Installs the Debian packages shotchain needs (FFmpeg's libraries and headers, pkg-config) and the
# ffmpeg CLI (and curl) used by the tests as independent oracles. Safe to run again; does nothing when all are present.
set -euo pipefail

packages=(libavformat-dev libavcodec-dev libavutil-dev libswscale-dev zlib1g-dev pkg-config ffmpeg curl)
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
