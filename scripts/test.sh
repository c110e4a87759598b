#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (unit, integration and end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
swift build --build-tests
swift format lint --strict --recursive Sources Tests Plugins Examples/ChainFromSwift/Sources presets/Presets.swift
# The suites that measure timeouts and timelines run on their own, after the media-heavy ones: on a 2-core machine
# the encoders of the chain tests would otherwise stretch their clocks.
timed='FrameServerTests.SecurityTests|FrameServerTests.HardeningTests|SegmindSimulatorTests.ProtocolTests'
swift test --skip-build --skip "$timed"
swift test --skip-build --filter "$timed"
# The example app that uses the library products (its own package; its build folder is kept under .build/examples so
# later runs are incremental).
swift run --package-path Examples/ChainFromSwift --scratch-path .build/examples ChainFromSwift
