#!/usr/bin/env bash
# Frame server benchmark: `shotchain serve` (release build) vs nginx vs `python3 -m http.server`, side by side,
# with wrk over loopback, on a ~2 MB noisy PNG and a ~45 KB JPEG made with ffmpeg.
#
#   bench/frameserver.sh                 # 10 s per run, 2 threads, 16 connections
#   DURATION=5s CONNECTIONS=32 bench/frameserver.sh
#   SHOTCHAIN=/path/to/shotchain bench/frameserver.sh   # skip the release build
#   ACCESS_LOG=off bench/frameserver.sh  # nginx "access_log off" and shotchain --no-access-log (default: both log to a file)
#
# Prints one table: requests/s, p99 latency and transfer rate per server and file, and the ratio to nginx.
set -euo pipefail

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
WARMUP=${WARMUP:-2s}
ACCESS_LOG=${ACCESS_LOG:-on}
root=$(cd "$(dirname "$0")/.." && pwd)

for tool in wrk nginx python3 ffmpeg jq; do
    command -v "$tool" >/dev/null || { echo "frameserver.sh: $tool is not installed" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/frameserver-bench.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [[ -n "${KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

if [[ -z "${SHOTCHAIN:-}" ]]; then
    echo "building shotchain (release)..." >&2
    (cd "$root" && swift build -c release --product shotchain >&2)
    SHOTCHAIN="$root/.build/release/shotchain"
fi

# Test media: noise so the PNG stays ~2 MB; a detailed test pattern for the JPEG.
mkdir -p "$work/www"
ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi \
    -i "nullsrc=s=1440x960,geq=r='random(1)*255':g='random(2)*255':b='random(3)*255'" -frames:v 1 "$work/www/frame.png"
ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i "testsrc2=s=1024x576" -frames:v 1 -q:v 2 "$work/www/frame.jpg"
png_size=$(stat -c %s "$work/www/frame.png")
jpg_size=$(stat -c %s "$work/www/frame.jpg")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() {  # url
    for _ in $(seq 1 100); do
        if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "frameserver.sh: $1 did not come up" >&2
    exit 1
}

# nginx: private config, loopback port, current user, no daemon, everything under $work.
nginx_port=$(free_port)
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
if [[ $ACCESS_LOG == off ]]; then nginx_access_log=off; serve_flags=(--no-access-log); else nginx_access_log="$work/nginx/logs/access.log"; serve_flags=(); fi
# As root, nginx would switch its workers to "nobody", who cannot read the private temp dir: keep them as us.
user_line=""
if [[ $(id -u) == 0 ]]; then user_line="user $(id -un) $(id -gn);"; fi
cat >"$work/nginx/nginx.conf" <<CONF
$user_line
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log $nginx_access_log;
    client_body_temp_path $work/nginx/tmp;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    types { image/png png; image/jpeg jpg; }
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/www;
    }
}
CONF
nginx -e "$work/nginx/logs/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)

# shotchain serve: access log (stderr) to a file, like nginx, unless ACCESS_LOG=off.
serve_port=$(free_port)
"$SHOTCHAIN" serve "$work/www" --port "$serve_port" --json "${serve_flags[@]}" >"$work/serve.json" 2>"$work/serve.log" &
pids+=($!)

# python3 -m http.server (threading server), its request log to a file.
python_port=$(free_port)
python3 -m http.server "$python_port" --bind 127.0.0.1 --directory "$work/www" >"$work/python.log" 2>&1 &
pids+=($!)

wait_http "http://127.0.0.1:$nginx_port/frame.png"
wait_http "http://127.0.0.1:$python_port/frame.png"
for _ in $(seq 1 100); do [[ -s "$work/serve.json" ]] && jq -e . "$work/serve.json" >/dev/null 2>&1 && break; sleep 0.1; done
serve_png=$(jq -r '.files[] | select(.file == "frame.png") | .url' "$work/serve.json")
serve_jpg=$(jq -r '.files[] | select(.file == "frame.jpg") | .url' "$work/serve.json")
wait_http "$serve_png"

# Every server must return the same bytes.
for url in "http://127.0.0.1:$nginx_port/frame.png" "$serve_png" "http://127.0.0.1:$python_port/frame.png"; do
    cmp -s <(curl -fsS "$url") "$work/www/frame.png" || { echo "frameserver.sh: $url returned different bytes" >&2; exit 1; }
done

# to_ms "1.23ms" -> 1.23 (wrk prints us, ms or s)
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", v / 1000; else if (v ~ /ms$/) printf "%.3f", v + 0; else if (v ~ /s$/) printf "%.3f", v * 1000; else print "nan" }'; }

results="$work/results.tsv"
: >"$results"
run() {  # server file url
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$3" >/dev/null 2>&1 || true
    local out
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$3")
    local rps p99 errors non2xx
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    errors=$(awk '/Socket errors:/ { sub(/.*Socket errors: /, ""); print }' <<<"$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$rps" "$p99" "${errors:-none}" "${non2xx:-0}" >>"$results"
    echo "$1 $2: $rps req/s, p99 ${p99} ms" >&2
}

for file in frame.png frame.jpg; do
    if [[ $file == frame.png ]]; then serve_url=$serve_png; else serve_url=$serve_jpg; fi
    run nginx "$file" "http://127.0.0.1:$nginx_port/$file"
    run shotchain "$file" "$serve_url"
    run python "$file" "http://127.0.0.1:$python_port/$file"
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, loopback, $(nproc) cores, access log $ACCESS_LOG; frame.png $png_size bytes, frame.jpg $jpg_size bytes"
echo
echo "| server | file | requests/s | p99 latency (ms) | MB/s | req/s vs nginx | socket errors | non-2xx |"
echo "|---|---|---:|---:|---:|---:|---|---:|"
awk -F'\t' -v png="$png_size" -v jpg="$jpg_size" '
    { server[NR] = $1; file[NR] = $2; rps[NR] = $3; p99[NR] = $4; err[NR] = $5; bad[NR] = $6
      if ($1 == "nginx") base[$2] = $3 }
    END {
        for (i = 1; i <= NR; i++) {
            size = (file[i] == "frame.png") ? png : jpg
            ratio = (base[file[i]] > 0) ? sprintf("%.2fx", rps[i] / base[file[i]]) : "n/a"
            printf "| %s | %s | %.0f | %.2f | %.1f | %s | %s | %s |\n", server[i], file[i], rps[i], p99[i], rps[i] * size / 1e6, ratio, err[i], bad[i]
        }
    }' "$results"
