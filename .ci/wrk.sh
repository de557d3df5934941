#!/usr/bin/env bash
# Load step: wrk against the http example's server, on each backend.
#
# For each backend: starts `http serve` (release build) on a free loopback
# port, runs `wrk -t2 -c64 -d3s` on GET /api/hello, and fails on any socket
# error, any non-2xx response, no request at all, or a server whose open
# file descriptors are not back to their start (within FD_SLACK) once wrk's
# connections have closed. Prints the requests/sec per backend.
#
# Needs wrk (Debian's package; .ci/run installs it). Environment:
#   WRK_RUNS=N      runs per backend (default 1), for figures with a spread
#   WRK_DURATION=3s wrk's -d
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${WRK_RUNS:-1}
duration=${WRK_DURATION:-3s}
# Descriptors a server may keep beyond its start (none are expected: every
# connection's socket is closed when its task ends).
FD_SLACK=4

cargo build --release --locked -p anyloop-examples --bin http --quiet
bin=target/release/http
work=$(mktemp -d)
server=
cleanup() {
    [[ -n "$server" ]] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

fds() { ls "/proc/$1/fd" | wc -l; }

summary=()
# Rounds of every backend in turn (A B C A B C ...), so that a change in the
# machine's load falls on all of them.
for run in $(seq "$runs"); do
    for backend in tokio smol async-std; do
        # A new file per run: the last run's address must not be read.
        out="$work/$backend-$run.out"
        "$bin" serve --backend "$backend" --addr 127.0.0.1:0 > "$out" &
        server=$!
        addr=
        for _ in $(seq 100); do
            addr=$(sed -n 's#^listening on http://\([^ ]*\) .*#\1#p' "$out" 2>/dev/null)
            [[ -n "$addr" ]] && break
            sleep 0.1
        done
        [[ -n "$addr" ]] || { echo "wrk: the $backend server did not start"; exit 1; }
        before=$(fds "$server")

        wrk -t2 -c64 -d"$duration" "http://$addr/api/hello" > "$work/wrk" 2>&1 \
            || { cat "$work/wrk"; echo "wrk: wrk failed on $backend"; exit 1; }
        requests=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$work/wrk")
        rate=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/wrk")
        if grep -q 'Socket errors' "$work/wrk"; then
            cat "$work/wrk"; echo "wrk: socket errors on $backend"; exit 1
        fi
        if grep -q 'Non-2xx' "$work/wrk"; then
            cat "$work/wrk"; echo "wrk: responses other than 2xx on $backend"; exit 1
        fi
        if [[ -z "$requests" || "$requests" -eq 0 ]]; then
            cat "$work/wrk"; echo "wrk: no request completed on $backend"; exit 1
        fi

        # wrk has closed its connections; the server's tasks close theirs
        # as they see the end of the stream.
        after=$(fds "$server")
        for _ in $(seq 50); do
            (( after <= before + FD_SLACK )) && break
            sleep 0.1
            after=$(fds "$server")
        done
        if (( after > before + FD_SLACK )); then
            echo "wrk: the $backend server holds $after fds after the load, $before before"
            ls -l "/proc/$server/fd"
            exit 1
        fi

        kill -INT "$server"
        wait "$server" || { echo "wrk: the $backend server did not stop cleanly on SIGINT"; exit 1; }
        server=
        line=$(printf '%-9s run %d: %10s requests/s  (%s requests, fds %d -> %d)' \
            "$backend" "$run" "$rate" "$requests" "$before" "$after")
        echo "$line"
        summary+=("$line")
        echo "$rate" >> "$work/$backend.rates"
    done
done

echo
echo "wrk -t2 -c64 -d$duration GET /api/hello, no socket error, only 2xx, fds back:"
printf '  %s\n' "${summary[@]}"
echo "requests/s per backend, median [min … max] of $runs run(s):"
for backend in tokio smol async-std; do
    sort -n "$work/$backend.rates" | awk -v b="$backend" '
        { r[NR] = $1 }
        END {
            m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
            printf "  %-9s %8.0f  [%.0f … %.0f]\n", b, m, r[1], r[NR]
        }'
done
