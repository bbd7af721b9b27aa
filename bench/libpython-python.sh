#!/usr/bin/env bash
# Builds bench/.libpython/python: an executable that runs $PYTHON's interpreter from its shared library (the one
# uWSGI and akkawsgi --python-from library load) instead of the code linked into $PYTHON itself, and prints its path.
# See libpython-python.c.
#
#   bench/libpython-python.sh            # for $PYTHON (default python3)
#
# On failure it prints one line saying why on stderr and exits 1.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"
out="$bench_dir/.libpython"
fail() {
    echo "libpython-python: $*" >&2
    exit 1
}

read -r include libdir ldlibrary < <("$PYTHON" -c 'import sysconfig as s; v = s.get_config_var
print(s.get_paths()["include"], v("LIBDIR"), v("LDLIBRARY"))') || fail "$PYTHON did not run"
[[ "$ldlibrary" == *.so* ]] || fail "$PYTHON has no shared library (LDLIBRARY is $ldlibrary)"
[[ -f "$include/Python.h" ]] || fail "no Python.h in $include (apt-get install python3-dev)"
[[ -f "$libdir/$ldlibrary" ]] || fail "no $libdir/$ldlibrary"
command -v gcc >/dev/null 2>&1 || fail "gcc is not installed"

library="${ldlibrary#lib}"
library="${library%%.so*}"
mkdir -p "$out"
# Built every time (a fraction of a second): a previous build may be for another interpreter.
gcc -O2 -I"$include" "$bench_dir/libpython-python.c" -L"$libdir" -l"$library" -Wl,-rpath,"$libdir" \
    -o "$out/python" || fail "it did not compile"
ldd "$out/python" | grep -q "$libdir/$ldlibrary" || fail "$out/python is not linked to $ldlibrary"
echo "$out/python"
