#!/usr/bin/env bash
# Times each benchmark program under aio (release build) and under python3, and
# prints a table: name, aio seconds, python3 seconds, ratio (aio / python3).
# Times are the best of RUNS runs (hyperfine when installed, else bash's `time`).
# Each program's output is compared between the two; a difference is flagged.
# Not a test: it asserts nothing about speed.
#
# Usage: bench/run.sh [NAME...]     (default: every bench/*.aio; NAME without .aio)
# Environment: RUNS (default 3), PYTHON (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-3}"
python="${PYTHON:-python3}"
cargo build --release --quiet
aio=./target/release/aio

if [ $# -gt 0 ]; then
    names=("$@")
else
    names=()
    for f in bench/*.aio; do names+=("$(basename "$f" .aio)"); done
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best_of CMD...: prints the fastest wall time in seconds, or "error".
best_of() {
    if command -v hyperfine >/dev/null 2>&1; then
        if hyperfine --runs "$runs" --shell=none --style none --export-json "$tmp/h.json" \
            "$*" >/dev/null 2>&1; then
            "$python" -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["min"])' "$tmp/h.json"
        else
            echo error
        fi
        return
    fi
    local best=""
    for _ in $(seq "$runs"); do
        local start end t
        start=$(date +%s.%N)
        if ! "$@" >/dev/null 2>&1; then
            echo error
            return
        fi
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
    done
    printf '%.3f\n' "$best"
}

printf '%-20s %10s %10s %8s  %s\n' benchmark "aio s" "python3 s" ratio note
for name in "${names[@]}"; do
    file="bench/$name.aio"
    note=""
    "$aio" "$file" >"$tmp/aio.out" 2>&1 || note="aio failed: $(tail -1 "$tmp/aio.out")"
    "$python" "$file" >"$tmp/py.out" 2>&1 || note="python3 failed"
    if [ -z "$note" ] && ! cmp -s "$tmp/aio.out" "$tmp/py.out"; then
        note="output differs"
    fi
    if [ -n "$note" ] && [ "${note#aio failed}" != "$note" ]; then
        t_aio=error
    else
        t_aio=$(best_of "$aio" "$file")
    fi
    t_py=$(best_of "$python" "$file")
    ratio="-"
    if [ "$t_aio" != error ] && [ "$t_py" != error ]; then
        ratio=$("$python" -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$t_aio" "$t_py")
    fi
    printf '%-20s %10s %10s %8s  %s\n' "$name" "$t_aio" "$t_py" "$ratio" "$note"
done
