#!/usr/bin/env bash
# Runs the official Python SDK (segmind 1.3.0) against a simulator: uploads FILE through client.files.upload with the
# storage base pointed at BASE_URL and prints the URL it answered; with a SLUG and a JSON object of PARAMS, also runs
# client.run (v2: submit and poll) against BASE_URL/v2 and prints the result's output URL; a parameter whose value is
# "@upload" is given the uploaded file's URL.
# Usage: segmind-sdk-check.sh VENV BASE_URL API_KEY FILE [SLUG PARAMS_JSON]
# The virtual environment VENV is created (python3 -m venv) and the SDK installed into it when missing.
set -euo pipefail
venv="$1" base="$2" key="$3" file="$4" slug="${5:-}" params="${6:-}"
if ! "$venv/bin/python" -c 'import segmind, sys; sys.exit(segmind.__version__ != "1.3.0")' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check segmind==1.3.0
fi
exec "$venv/bin/python" - "$base" "$key" "$file" "$slug" "$params" <<'PY'
import json, sys
from segmind import SegmindClient
from segmind.files import Files

base, key, path, slug, params = sys.argv[1:6]
# A generous read timeout (the default is 30 s): the check is of the protocol, on a machine that may be busy.
client = SegmindClient(api_key=key, base_url=base + "/v1", timeout=300.0)
# files.upload posts to Files.STORAGE_BASE_URL + "/upload-asset"; 1.3.0 has no variable or argument for it, and
# client.files is a new Files object on every access, so the class attribute is the only place to set it.
Files.STORAGE_BASE_URL = base
answer = client.files.upload(path)
uploaded = answer["file_urls"][0]
print(uploaded, flush=True)
if slug:
    arguments = {k: (uploaded if v == "@upload" else v) for k, v in json.loads(params).items()}
    result = client.run(slug, **arguments)
    print(result["output"])
PY
