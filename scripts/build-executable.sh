#!/usr/bin/env bash
# Builds akkawsgi as one self-contained executable: artifacts/akkawsgi runs on a Linux machine of the same
# architecture with no .NET installed (it carries the runtime and ASP.NET Core, compressed). It still embeds a
# Python found on that machine, as the published build does (--python, --venv, else python3 on PATH).
#
#   scripts/build-executable.sh                  # into artifacts/akkawsgi
#   OUTPUT=/tmp/x scripts/build-executable.sh    # into /tmp/x/akkawsgi
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
output="${OUTPUT:-$repo_root/artifacts}"

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
"$repo_root/scripts/lib/publish-self-contained.sh" "$staging" \
    -p:PublishSingleFile=true \
    -p:EnableCompressionInSingleFile=true \
    -p:IncludeNativeLibrariesForSelfExtract=true

mkdir -p "$output"
if [[ -d "$output/akkawsgi" ]]; then
    echo "build-executable: $output/akkawsgi is a directory (a framework-dependent publish made there before); move it away first" >&2
    exit 2
fi
install -m 0755 "$staging/akkawsgi" "$output/akkawsgi"
size=$(stat -c %s "$output/akkawsgi")
echo "==> $output/akkawsgi ($((size / 1024 / 1024)) MiB)" >&2
