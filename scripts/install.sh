#!/usr/bin/env bash
# Builds shotchain in release mode and installs it with its shell completions:
#   PREFIX/bin/shotchain
#   PREFIX/share/bash-completion/completions/shotchain
#   PREFIX/share/zsh/site-functions/_shotchain
#   PREFIX/share/fish/vendor_completions.d/shotchain.fish
# The presets are compiled into the binary, so it runs from anywhere without the checkout.
# Usage: scripts/install.sh [--prefix DIR]   (default /usr/local as root, else ~/.local)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install: --prefix needs a folder" >&2; exit 64; }; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install: unknown argument \"$1\" (usage: scripts/install.sh [--prefix DIR])" >&2; exit 64 ;;
    esac
done
[ -n "$prefix" ] || { echo "install: --prefix must not be empty" >&2; exit 64; }
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"

bash scripts/setup.sh
swift build -c release --product shotchain
built="$(swift build -c release --product shotchain --show-bin-path)/shotchain"

bin="$prefix/bin/shotchain"
bash_completion="$prefix/share/bash-completion/completions/shotchain"
zsh_completion="$prefix/share/zsh/site-functions/_shotchain"
fish_completion="$prefix/share/fish/vendor_completions.d/shotchain.fish"

install -d "$prefix/bin" "$(dirname "$bash_completion")" "$(dirname "$zsh_completion")" "$(dirname "$fish_completion")"
install -m 755 "$built" "$bin"
"$bin" --generate-completion-script bash >"$bash_completion"
"$bin" --generate-completion-script zsh >"$zsh_completion"
"$bin" --generate-completion-script fish >"$fish_completion"
chmod 644 "$bash_completion" "$zsh_completion" "$fish_completion"

echo "installed shotchain $("$bin" --version):"
echo "  $bin"
echo "  $bash_completion (bash)"
echo "  $zsh_completion (zsh)"
echo "  $fish_completion (fish)"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
