#!/usr/bin/env bash
# Times the front end (lex + parse + AST dump) on the largest corpus program,
# as a whole process, beside CPython's own parser on the same file (in-process).
# Not a test: it only prints.
# Usage: bench/frontend.sh [FILE]   (default: tests/parse/large_program.aio)
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-tests/parse/large_program.aio}"
cargo build --release --quiet
aio=./target/release/aio
echo "$file: $(wc -l <"$file") lines"
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 5 --min-runs 50 --shell=none "$aio --dump ast $file" "$aio --dump tokens $file"
else
    # Without hyperfine: 100 runs, mean wall time per run.
    runs=100
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "$aio" --dump ast "$file" >/dev/null; done
    end=$(date +%s%N)
    echo "aio --dump ast: $(( (end - start) / runs / 1000 )) us per run (mean of $runs)"
fi
if command -v python3 >/dev/null 2>&1; then
    # CPython's parser in-process (no interpreter start-up), for scale.
    echo "CPython ast.parse + ast.dump, in-process:"
    python3 -m timeit -s "import ast; src = open('$file').read()" "ast.dump(ast.parse(src))"
fi
