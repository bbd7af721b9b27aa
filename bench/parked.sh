#!/usr/bin/env bash
# Measures the memory of N parked long-polls (default 10000): the server's resident set with none parked, then with
# N parked, and what SIGUSR2 says is parked. Loopback only; every process is stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count="${COUNT:-10000}"
port="${PORT:-18190}"
python="${PYTHON:-/usr/bin/python3}"
# The server and the client each hold one socket per parked request.
ulimit -n "$(ulimit -Hn)"
dotnet build src/Http -c Release -v q -nologo >/dev/null
log="$(mktemp)"
# --no-supervisor: the resident set read below is $server's, which must be the process that holds the requests,
# not a supervisor in front of it.
src/Http/bin/Release/net10.0/akkawsgi --module parking --chdir tests/apps --http-socket "127.0.0.1:$port" \
    --no-supervisor --workers 16 --max-parked "$count" --max-queue "$count" --python "$python" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do grep -q "ready on" "$log" && break; sleep 0.2; done
curl -s "http://127.0.0.1:$port/runs" >/dev/null
idle_rss=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
echo "idle: rss_kib=$idle_rss"
out="$(mktemp)"
"$python" bench/parked.py "$port" "$count" "$server" 3 >"$out" &
client=$!
for _ in $(seq 1 600); do grep -q "held=" "$out" && break; sleep 0.1; done
kill -USR2 "$server"
sleep 1
grep -o "parked=[0-9]* park_woken=[0-9]* park_timed_out=[0-9]*" "$log" | tail -1
wait "$client"
cat "$out"
held_rss=$(grep -o "rss_kib=[0-9]*" "$out" | cut -d= -f2)
echo "per parked request: $(( (held_rss - idle_rss) / count )) KiB"
rm -f "$out"
