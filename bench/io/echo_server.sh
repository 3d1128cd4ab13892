#!/bin/sh
# Runs bench/io/echo_server.aio under aio (release build) and CPython, and prints
# both throughputs and their ratio. Usage: bench/io/echo_server.sh [CONNECTIONS] [ROUNDS]
set -e
cd "$(dirname "$0")/../.."
cargo build --release --locked --quiet
AIO=$(./target/release/aio bench/io/echo_server.aio "$@" | sed 's/.*: \([0-9]*\) requests\/s/\1/')
PY=$(python3 bench/io/echo_server.aio "$@" | sed 's/.*: \([0-9]*\) requests\/s/\1/')
echo "aio:     $AIO requests/s"
echo "CPython: $PY requests/s"
awk -v a="$AIO" -v p="$PY" 'BEGIN { printf "ratio:   %.2fx\n", a / p }'
