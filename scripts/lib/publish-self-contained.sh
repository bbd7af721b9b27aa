#!/usr/bin/env bash
# Publishes the server self-contained (the .NET runtime included) for this machine's architecture into OUT, with any
# further MSBuild properties, and prints nothing else on standard output. Shared by build-executable.sh (one file)
# and build-wheel.sh (a directory).
#
#   scripts/lib/publish-self-contained.sh OUT [-p:PROPERTY=VALUE ...]
#
# Not trimmed: the actor runtime and the Python bridge find types by name at run time, which trimming breaks.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"
shift

case "$(uname -m)" in
    x86_64) rid=linux-x64 ;;
    aarch64) rid=linux-arm64 ;;
    *) echo "publish: no .NET runtime identifier for $(uname -m)" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}" DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
echo "==> publishing the self-contained server for $rid" >&2
cd "$repo_root"
dotnet publish src/Http -c Release -r "$rid" --self-contained true -nologo -v quiet -p:DebugType=none "$@" -o "$out" >&2
