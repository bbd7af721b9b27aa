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

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
"$repo_root/scripts/lib/publish-self-contained.sh" "$staging/server"

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
