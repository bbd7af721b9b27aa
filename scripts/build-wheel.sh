#!/usr/bin/env bash
# Builds the Python wheel artifacts/wheel/akkawsgi-VERSION-py3-none-manylinux_2_N_ARCH.whl from a self-contained
# publish of the server (a directory: the executable, its assemblies and the .NET runtime), with the Python standard
# library alone. `pip install` it into a virtualenv, then `akkawsgi --module app` (or `python -m akkawsgi --module app`)
# serves the application on that virtualenv's Python. A directory rather than the single-file executable: its worker
# processes can then start as the virtualenv's python itself (README, "Which code runs Python").
#
#   scripts/build-wheel.sh                    # into artifacts/wheel/
#   OUTPUT=/tmp/w scripts/build-wheel.sh      # into /tmp/w/
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
output="${OUTPUT:-$repo_root/artifacts/wheel}"

case "$(uname -m)" in
    x86_64) rid=linux-x64 ;;
    aarch64) rid=linux-arm64 ;;
    *) echo "build-wheel: no .NET runtime identifier for $(uname -m)" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}" DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
echo "==> publishing the self-contained server for $rid" >&2
# Not trimmed: the actor runtime and the Python bridge find types by name at run time, which trimming breaks.
dotnet publish src/Http -c Release -r "$rid" --self-contained true -nologo -v quiet -p:DebugType=none \
    -o "$staging/server" >&2

version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)"
python="$(command -v python3 || true)"
if [[ -z "$python" ]]; then
    echo "build-wheel: python3 is needed to write the wheel (apt-get install python3)" >&2
    exit 2
fi

rm -f "$output"/akkawsgi-*.whl
wheel="$("$python" "$repo_root/scripts/lib/make_wheel.py" "$staging/server" "$repo_root/packaging/wheel/akkawsgi" "$version" "$output")"
size=$(stat -c %s "$wheel")
echo "==> $wheel ($((size / 1024 / 1024)) MiB)" >&2
echo "$wheel"
