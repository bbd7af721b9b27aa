#!/usr/bin/env bash
# Builds akkawsgi as one self-contained executable: artifacts/akkawsgi runs on a Linux machine of the same
# architecture with no .NET installed (it carries the runtime and ASP.NET Core, compressed). It still embeds a
# Python found on that machine, as the published build does (--python, --venv, else python3 on PATH).
#
#   scripts/build-executable.sh                  # into artifacts/akkawsgi
#   OUTPUT=/tmp/x scripts/build-executable.sh    # into /tmp/x/akkawsgi
#
# Not trimmed: the actor runtime and the Python bridge find types by name at run time, which trimming breaks.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
output="${OUTPUT:-$repo_root/artifacts}"

case "$(uname -m)" in
    x86_64) rid=linux-x64 ;;
    aarch64) rid=linux-arm64 ;;
    *) echo "build-executable: no .NET runtime identifier for $(uname -m)" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}" DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT

echo "==> publishing a self-contained single file for $rid" >&2
dotnet publish src/Http -c Release -r "$rid" --self-contained true -nologo -v quiet \
    -p:PublishSingleFile=true \
    -p:EnableCompressionInSingleFile=true \
    -p:IncludeNativeLibrariesForSelfExtract=true \
    -p:DebugType=none \
    -o "$staging" >&2

mkdir -p "$output"
if [[ -d "$output/akkawsgi" ]]; then
    echo "build-executable: $output/akkawsgi is a directory (a framework-dependent publish made there before); move it away first" >&2
    exit 2
fi
install -m 0755 "$staging/akkawsgi" "$output/akkawsgi"
size=$(stat -c %s "$output/akkawsgi")
echo "==> $output/akkawsgi ($((size / 1024 / 1024)) MiB)" >&2
