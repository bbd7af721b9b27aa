#!/usr/bin/env bash
# Takes a screenshot of the --status-socket page while the server is busy, for a person to look at:
# artifacts/status.png. Serves tests/apps/conformance.py on 127.0.0.1 only, keeps one request running while the
# picture is taken, then stops everything.
#
# As root on Debian it installs what it needs (Python with its shared library, chromium).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# shellcheck source=scripts/lib/debian-packages.sh
source "$repo_root/scripts/lib/debian-packages.sh"
ensure_debian_packages "$repo_root/.test-output/status-screenshot-apt.log" python3 libpython3.11 chromium

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http_port="$(free_port)"
status_port="$(free_port)"
mkdir -p artifacts
dotnet build src/Http -c Release -nologo -v quiet >/dev/null

dotnet src/Http/bin/Release/net10.0/akkawsgi.dll --module conformance --chdir tests/apps --workers 4 \
    --http-socket "127.0.0.1:$http_port" --status-socket "127.0.0.1:$status_port" --python /usr/bin/python3 \
    >artifacts/status-server.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$http_port/environ" >/dev/null 2>&1 && break
    sleep 0.2
done

# Something to show: a request that runs while the page is drawn.
curl -s "http://127.0.0.1:$http_port/sleep?s=6" >/dev/null &
sleep 1
chromium --headless=new --no-sandbox --disable-gpu --window-size=1100,700 --virtual-time-budget=2000 \
    --screenshot="$repo_root/artifacts/status.png" "http://127.0.0.1:$status_port/status" 2>/dev/null
echo "artifacts/status.png"
