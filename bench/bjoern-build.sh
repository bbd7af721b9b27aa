#!/usr/bin/env bash
# Builds bjoern (C, libev; one process, one thread) for the benchmarks into bench/.bjoern and prints that directory
# (the one to put on PYTHONPATH). bjoern is not packaged by Debian; it is built from its published source and used
# only by the benchmarks, never by the server or its tests.
#
#   bench/bjoern-build.sh               # with $PYTHON (default python3)
#   BJOERN_SRC=~/src/bjoern bench/bjoern-build.sh   # from a checkout of https://github.com/jonashaag/bjoern
#
# Sources tried in order: BJOERN_SRC (a checkout with its http-parser submodule: git clone --recursive), a shallow
# clone of the repository, the Python package index (pip). On failure it prints one line saying why on stderr and
# exits 1; the build output is in bench/bjoern-build.log.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"
out="$bench_dir/.bjoern"
log="$bench_dir/bjoern-build.log"

fail() {
    echo "bjoern: $*" >&2
    exit 1
}
imports() { PYTHONPATH="$out" "$PYTHON" -c "import bjoern" 2>>"$log"; }

: >"$log"
if imports; then
    echo "$out"
    exit 0
fi
if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get -q -y install libev-dev python3-dev git \
        </dev/null >>"$log" 2>&1 || true
fi
[[ -f /usr/include/ev.h ]] || fail "libev-dev is not installed"

# Compiles a checkout the way its setup.py does (without statsd), into $out.
build_checkout() {
    # bjoern needs the http-parser of its submodule: Debian's newer libhttp-parser-dev clashes with its headers.
    local src="$1" includes
    [[ -f "$src/bjoern/server.c" && -f "$src/bjoern.py" ]] || { echo "$src is not a bjoern checkout" >>"$log"; return 1; }
    [[ -f "$src/http-parser/http_parser.c" ]] ||
        { echo "$src has no http-parser submodule (git submodule update --init)" >>"$log"; return 1; }
    includes="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
    local suffix
    suffix="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
    rm -rf "$out" && mkdir -p "$out"
    local sources=()
    for f in "$src"/bjoern/*.c; do
        [[ "$f" == */statsd_tags.c ]] || sources+=("$f")
    done
    gcc -shared -O2 -fPIC -std=c99 -fno-strict-aliasing -fcommon -w \
        -DSIGNAL_CHECK_INTERVAL=0.1 -DWANT_SIGNAL_HANDLING=yes -DWANT_SIGINT_HANDLING=yes \
        -I"$includes" -I"$src/http-parser" "${sources[@]}" "$src/http-parser/http_parser.c" \
        -lev -o "$out/_bjoern$suffix" >>"$log" 2>&1 &&
        cp "$src/bjoern.py" "$out/"
}

if [[ -n "${BJOERN_SRC:-}" ]]; then
    build_checkout "$BJOERN_SRC" && imports && { echo "$out"; exit 0; }
    fail "the checkout in BJOERN_SRC=$BJOERN_SRC did not build (see bench/bjoern-build.log)"
fi
clone="$(mktemp -d)"
trap 'rm -rf "$clone"' EXIT
if timeout 60 git clone -q --depth 1 --recursive --shallow-submodules https://github.com/jonashaag/bjoern "$clone/bjoern" >>"$log" 2>&1 &&
    build_checkout "$clone/bjoern" && imports; then
    echo "$out"
    exit 0
fi
rm -rf "$out" && mkdir -p "$out"
if timeout 120 "$PYTHON" -m pip install --no-binary bjoern --target "$out" bjoern >>"$log" 2>&1 && imports; then
    echo "$out"
    exit 0
fi
fail "its source could not be fetched or built (no network access to GitHub or the Python package index?" \
    "set BJOERN_SRC to a checkout; see bench/bjoern-build.log)"
