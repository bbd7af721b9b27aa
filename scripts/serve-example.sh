#!/usr/bin/env bash
# Serves examples/hello.py on http://127.0.0.1:8000 (the README's quick start). Extra arguments go to akkawsgi,
# for example `scripts/serve-example.sh --workers 4 --access-log`. Stop it with Ctrl-C.
#
# As root on Debian, it first installs Python with its shared library if missing (Debian's python3 can only be
# embedded once libpython3.11 is installed).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# shellcheck source=scripts/lib/debian-packages.sh
source "$repo_root/scripts/lib/debian-packages.sh"
ensure_debian_packages "$repo_root/.test-output/serve-example-apt.log" python3 libpython3.11

python=python3
# Debian's own interpreter is the one libpython3.11 belongs to; prefer it over whatever python3 is first on PATH.
if [[ -x /usr/bin/python3 ]] && compgen -G "/usr/lib/*/libpython3.11.so.1.0" >/dev/null; then
    python=/usr/bin/python3
fi

export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}" DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
echo "==> building akkawsgi (about a minute the first time)" >&2
dotnet build src/Http -c Release -nologo -v quiet >&2
exec dotnet run --no-build --project src/Http -c Release -- \
    --module hello --chdir examples --http-socket 127.0.0.1:8000 --python "$python" "$@"
