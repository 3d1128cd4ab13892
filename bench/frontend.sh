#!/usr/bin/env bash
# Times the front end (lex + parse + AST dump) on the largest corpus program,
# beside CPython's own ast.parse of the same file. Not a test: it only prints.
# Usage: bench/frontend.sh [FILE]   (default: tests/parse/large_program.aio)
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-tests/parse/large_program.aio}"
cargo build --release --quiet
aio=./target/release/aio
echo "$file: $(wc -l <"$file") lines"
if command -v hyperfine >/dev/null 2>&1; then
    cmds=("$aio --dump ast $file")
    if command -v python3 >/dev/null 2>&1; then
        cmds+=("python3 -c 'import ast,sys; ast.dump(ast.parse(open(sys.argv[1]).read()))' $file")
    fi
    hyperfine --warmup 5 --min-runs 50 --shell=none "${cmds[@]}"
else
    # Without hyperfine: 100 runs, mean wall time per run.
    runs=100
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "$aio" --dump ast "$file" >/dev/null; done
    end=$(date +%s%N)
    echo "aio --dump ast: $(( (end - start) / runs / 1000 )) us per run (mean of $runs)"
fi
