#!/bin/sh
# Builds bench/host-costs.c and prints what this host charges for a system call, a thread wake-up and a loopback
# round trip (see the file). Needs a C compiler (Debian: gcc). Run it beside a comparison: a host where these cost
# more charges a server that crosses threads per request more than one that does not.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="${TMPDIR:-/tmp}/akkawsgi-host-costs"
cc -O2 -Wall -Wextra -o "$out" "$here/host-costs.c" -lpthread
exec "$out"
