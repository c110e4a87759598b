#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (unit, integration and end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
swift build --build-tests
swift format lint --strict --recursive Sources Tests Plugins Examples/ChainFromSwift/Sources presets/Presets.swift
swift test --skip-build
# The example app that uses the library products (its own package; its build folder is kept under .build/examples so
# later runs are incremental).
swift run --package-path Examples/ChainFromSwift --scratch-path .build/examples ChainFromSwift
