# shellcheck shell=bash
# Installs Debian packages that are missing, when it can; sourced by the scripts in scripts/.
#
#   ensure_debian_packages LOGFILE PACKAGE...
#
# A warm machine does no apt work at all. As root with apt-get, missing packages are installed (apt-get update
# first, only then). Otherwise the missing ones are named with the command that would install them, and the
# caller carries on: whatever needs them reports its own clear error or skips.

_say() { printf '==> %s\n' "$*"; }

_is_installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

ensure_debian_packages() {
    local apt_log="$1"
    shift
    if ! command -v dpkg-query >/dev/null 2>&1; then
        _say "dpkg-query not found: not checking for $*"
        return 0
    fi

    local missing=() pkg
    for pkg in "$@"; do
        _is_installed "$pkg" || missing+=("$pkg")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi

    if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        _say "missing Debian packages: ${missing[*]}"
        _say "install them with: apt-get install ${missing[*]}"
        return 0
    fi

    _say "installing Debian packages: ${missing[*]}"
    mkdir -p "$(dirname "$apt_log")"
    # The lock timeout covers a fresh machine where an automatic apt run may still hold the lock.
    if ! {
        DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update &&
            DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 install "${missing[@]}"
    } </dev/null >"$apt_log" 2>&1; then
        tail -n 30 "$apt_log" >&2
        _say "apt-get failed (full log: $apt_log); continuing without ${missing[*]}"
    fi
}
