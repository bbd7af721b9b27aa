#!/usr/bin/env bash
# Benchmarks akkawsgi against uWSGI and gunicorn on the same hello-world WSGI app (examples/hello.py) with wrk.
# Run on demand; it is not part of the test suite. See bench/README.md.
#
#   bench/run.sh                    # every server that is available
#   bench/run.sh akkawsgi gunicorn  # only these (akkawsgi, uwsgi, gunicorn)
#
# Environment overrides:
#   DURATION=10s  CONNECTIONS=64  THREADS=2  WARMUP=3s   wrk settings
#   PYTHON=...       interpreter akkawsgi embeds (default: /usr/bin/python3 if libpython3.11 is installed,
#                    else python3)
#   BASE_PORT=18080  first port tried; each server gets the next free port from there
#   AKKAWSGI_CONFIGS="w16 w1 w16-nosup w16-p2"
#                    akkawsgi configurations, measured in this order: wN = N workers (interpreter threads) in one
#                    worker process under the supervisor (the default way of running it); wN-nosup = the same
#                    served by a single process (--no-supervisor); wN-pM = M worker processes of N workers each
#   FORCE_PUBLISH=1  publish akkawsgi even if artifacts/published is up to date
#
# Output: a markdown table on stdout, also written to bench/results-latest.md. Server and wrk output of the
# last run are in bench/*.log. Only 127.0.0.1 is ever used.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-3s}"
BASE_PORT="${BASE_PORT:-18080}"
FORCE_PUBLISH="${FORCE_PUBLISH:-0}"
AKKAWSGI_CONFIGS="${AKKAWSGI_CONFIGS:-w16 w1 w16-nosup w16-p2}"

bench_dir="$repo_root/bench"
results_file="$bench_dir/results-latest.md"
publish_dir="$repo_root/artifacts/published"
# Touched after each successful publish. The executable itself is not a good witness: MSBuild leaves its
# time stamp alone when only the managed code changed.
publish_stamp="$publish_dir/.published"
ready_timeout=30 # seconds a server gets to start answering
stop_timeout=10  # seconds a server gets to exit after SIGTERM, before SIGKILL

say() { printf '==> %s\n' "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}

if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x /usr/bin/python3 ]] &&
        [[ "$(dpkg-query -W -f='${db:Status-Status}' libpython3.11 2>/dev/null || true)" == installed ]]; then
        PYTHON=/usr/bin/python3
    else
        PYTHON=python3
    fi
fi

# --- which servers --------------------------------------------------------------------------------------------

want_akkawsgi=0 want_uwsgi=0 want_gunicorn=0 want_bjoern=0
if [[ $# -eq 0 ]]; then
    set -- akkawsgi uwsgi gunicorn bjoern
fi
for arg in "$@"; do
    case "$arg" in
    akkawsgi) want_akkawsgi=1 ;;
    uwsgi) want_uwsgi=1 ;;
    bjoern) want_bjoern=1 ;;
    gunicorn) want_gunicorn=1 ;;
    *) die "unknown server '$arg' (expected: akkawsgi, uwsgi, gunicorn, bjoern)" ;;
    esac
done

if ! command -v wrk >/dev/null 2>&1; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "installing wrk"
        { DEBIAN_FRONTEND=noninteractive apt-get -q update &&
            DEBIAN_FRONTEND=noninteractive apt-get -q -y install wrk; } </dev/null >/dev/null ||
            die "could not install wrk"
    else
        die "wrk is not installed (apt-get install wrk)"
    fi
fi

[[ -f examples/hello.py ]] || die "examples/hello.py is missing"

# Checked before anything is published or started, so that a typo costs nothing.
if [[ $want_akkawsgi == 1 ]]; then
    read -r -a akkawsgi_configs <<<"$AKKAWSGI_CONFIGS"
    [[ ${#akkawsgi_configs[@]} -gt 0 ]] || die "AKKAWSGI_CONFIGS is empty"
    for spec in "${akkawsgi_configs[@]}"; do
        [[ "$spec" =~ ^w[1-9][0-9]*(-nosup|-p[1-9][0-9]*)?$ ]] ||
            die "unknown akkawsgi configuration '$spec' in AKKAWSGI_CONFIGS (expected wN, wN-nosup or wN-pM)"
    done
fi

rm -f "$bench_dir"/*.log

# --- process helpers ------------------------------------------------------------------------------------------

# Every server runs in its own session and process group (setsid), so that its workers can be found and
# stopped together. In a non-interactive shell a background job is not a group leader, so setsid does not
# fork and $! is the server itself, whose pid is then also the group id.
server_pid=""

# Pids of the live (non-zombie) processes in process group $1.
group_pids() {
    local stat line rest state pgrp
    for stat in /proc/[0-9]*/stat; do
        { read -r line <"$stat"; } 2>/dev/null || continue
        rest="${line##*) }" # the command name may contain spaces; the fields after it do not
        read -r state _ pgrp _ <<<"$rest" # state, parent pid, process group, ...
        if [[ "$pgrp" == "$1" && "$state" != Z ]]; then
            stat="${stat#/proc/}"
            echo "${stat%/stat}"
        fi
    done
}

# True while process $1 exists and is not a zombie. (Used during start-up, where its group cannot be: setsid
# may not have run yet.)
is_alive() {
    local line
    { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
    line="${line##*) }"
    [[ "${line%% *}" != Z ]]
}

# Peak resident memory of process group $1 in MiB: the sum of VmHWM over its processes. Pages shared
# between a master and its forked workers are counted once per process.
group_peak_rss_mib() {
    local pid kib total=0
    for pid in $(group_pids "$1"); do
        kib="$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
        total=$((total + ${kib:-0}))
    done
    echo "$(((total + 512) / 1024)) MiB"
}

stop_server() {
    local pid="$server_pid" i
    [[ -n "$pid" ]] || return 0
    server_pid=""
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < stop_timeout * 10; i++)); do
        [[ -n "$(group_pids "$pid")" ]] || break
        sleep 0.1
    done
    if [[ -n "$(group_pids "$pid")" ]]; then
        say "server $pid did not stop within ${stop_timeout}s; killing it"
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

on_exit() {
    stop_server
}
trap on_exit EXIT
trap 'exit 130' INT TERM

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

next_port=$BASE_PORT
# Sets $port to a free port at or above $next_port.
pick_port() {
    local i
    for ((i = 0; i < 200; i++)); do
        port=$((next_port + i))
        if ! port_in_use "$port"; then
            next_port=$((port + 1))
            return 0
        fi
    done
    die "no free port in $next_port..$((next_port + 199))"
}

# Prints the HTTP status code of GET / on port $1 (empty if there is no answer within 2 s).
http_status() {
    # shellcheck disable=SC2016 # the inner script expands its own "$1"
    timeout 2 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" >&3
        read -r _ code _ <&3 && echo "$code"
    ' _ "$1" 2>/dev/null || true
}

# Waits until the server answers GET / with 200. $1 = port, $2 = log file, $3 = a line the server logs when
# it is accepting (empty: only probe the port).
wait_ready() {
    local port="$1" log="$2" pattern="$3" deadline=$((SECONDS + ready_timeout))
    while ((SECONDS < deadline)); do
        if ! is_alive "$server_pid"; then
            say "the server exited during start-up; last lines of $log:"
            tail -n 20 "$log" >&2
            return 1
        fi
        if [[ -z "$pattern" ]] || grep -qF "$pattern" "$log"; then
            [[ "$(http_status "$port")" == 200 ]] && return 0
        fi
        sleep 0.2
    done
    say "the server did not answer 200 on 127.0.0.1:$port within ${ready_timeout}s; last lines of $log:"
    tail -n 20 "$log" >&2
    return 1
}

# --- measuring ------------------------------------------------------------------------------------------------

rows=()  # markdown table rows
notes=() # servers not measured, and why
failures=0

# Reads wrk --latency output on stdin; prints "req/s|avg|p50|p99|errors".
parse_wrk() {
    awk '
        /^ *Latency / && !avg { avg = $2 }
        /^ *50% /            { p50 = $2 }
        /^ *99% /            { p99 = $2 }
        /^Requests\/sec:/     { rps = $2 }
        /Socket errors:/ {
            # Socket errors: connect 0, read 0, write 0, timeout 0
            gsub(",", ""); socket = $4 + $6 + $8 + $10
        }
        /Non-2xx or 3xx responses:/ { status = $NF }
        END {
            errors = (socket + status == 0) ? "0" : (socket + 0) " socket / " (status + 0) " non-2xx"
            printf "%s|%s|%s|%s|%s\n", rps, avg, p50, p99, errors
        }'
}

# bench_one ID SERVER CONFIG READY_PATTERN COMMAND...
# READY_PATTERN may contain PORT, replaced by the port; so may the command's arguments.
bench_one() {
    local id="$1" server="$2" config="$3" pattern="$4"
    shift 4
    local port log wrk_log url rss args=() arg rps avg p50 p99 errors
    pick_port
    log="$bench_dir/$id.server.log"
    wrk_log="$bench_dir/$id.wrk.log"
    url="http://127.0.0.1:$port/"
    for arg in "$@"; do args+=("${arg//PORT/$port}"); done
    pattern="${pattern//PORT/$port}"

    say "$server, $config: starting on 127.0.0.1:$port"
    : >"$log" # exists before the background job opens it, for wait_ready's grep
    setsid "${args[@]}" >"$log" 2>&1 </dev/null &
    server_pid=$!
    if ! wait_ready "$port" "$log" "$pattern"; then
        stop_server
        notes+=("$server, $config: did not start (see bench/$id.server.log)")
        failures=$((failures + 1))
        return 0
    fi

    say "$server, $config: warming up ($WARMUP), then measuring ($DURATION)"
    if ! wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$url" >/dev/null ||
        ! wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" >"$wrk_log" 2>&1; then
        stop_server
        notes+=("$server, $config: wrk failed (see bench/$id.wrk.log)")
        failures=$((failures + 1))
        return 0
    fi
    rss="$(group_peak_rss_mib "$server_pid")"
    stop_server

    IFS='|' read -r rps avg p50 p99 errors < <(parse_wrk <"$wrk_log")
    rows+=("| $server | $config | $rps | $avg | $p50 | $p99 | $errors | $rss |")
    sleep 1 # let the closed connections' sockets settle before the next server
}

# --- akkawsgi -------------------------------------------------------------------------------------------------

git_version() {
    local rev
    rev="$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null)" || return 0
    if [[ -n "$(git -C "$repo_root" status --porcelain -- src 2>/dev/null)" ]]; then
        rev="$rev+local changes"
    fi
    echo " ($rev)"
}

# True when artifacts/published is missing or older than a source or build file.
publish_needed() {
    [[ "$FORCE_PUBLISH" == 1 ]] && return 0
    [[ -x "$publish_dir/akkawsgi" && -f "$publish_stamp" ]] || return 0
    local inputs=(src) f
    for f in Directory.Build.props Directory.Build.targets Directory.Packages.props global.json; do
        [[ -e "$f" ]] && inputs+=("$f")
    done
    [[ -n "$(find "${inputs[@]}" -type f -newer "$publish_stamp" \
        -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]]
}

if [[ $want_akkawsgi == 1 ]]; then
    akkawsgi_ok=1
    if publish_needed; then
        say "publishing akkawsgi to artifacts/published (log: bench/publish.log)"
        if dotnet publish src/Http -c Release -o "$publish_dir" -nologo </dev/null >"$bench_dir/publish.log" 2>&1; then
            touch "$publish_stamp"
        else
            grep -E ': error ' "$bench_dir/publish.log" | sort -u | head -n 20 >&2 || true
            notes+=("akkawsgi: publish failed (see bench/publish.log)")
            failures=$((failures + 1))
            akkawsgi_ok=0
        fi
    else
        say "artifacts/published is up to date; not publishing (FORCE_PUBLISH=1 to force)"
    fi
    if [[ $akkawsgi_ok == 1 ]]; then
        name="akkawsgi$(git_version)"
        # The supervisor logs "ready on ..." once every worker process is ready; a --no-supervisor server logs
        # the same words when it is.
        for spec in "${akkawsgi_configs[@]}"; do
            workers="${spec#w}"
            workers="${workers%%-*}"
            processes=1
            mode=()
            case "$spec" in
            *-nosup) mode=(--no-supervisor) ;;
            *-p*) processes="${spec##*-p}" ;;
            esac
            if [[ $processes == 1 ]]; then config="1 process"; else config="$processes processes"; fi
            if [[ $workers == 1 ]]; then config+=" × 1 worker"; else config+=" × $workers workers"; fi
            if [[ ${#mode[@]} -gt 0 ]]; then config+=", --no-supervisor"; fi
            bench_one "akkawsgi-$spec" "$name" "$config" "ready on http://127.0.0.1:PORT" \
                "$publish_dir/akkawsgi" --module hello --chdir examples --http-socket 127.0.0.1:PORT \
                --workers "$workers" --processes "$processes" "${mode[@]}" --python "$PYTHON"
        done
    fi
fi

# --- uWSGI ----------------------------------------------------------------------------------------------------

if [[ $want_uwsgi == 1 ]]; then
    # uwsgi exits 0 even when a plugin fails to load; it only says so on stderr.
    uwsgi_plugin_errors=""
    if command -v uwsgi >/dev/null 2>&1; then
        uwsgi_plugin_errors="$(uwsgi --plugin python3 --version 2>&1 >/dev/null || true)"
    fi
    if command -v uwsgi >/dev/null 2>&1 && [[ "$uwsgi_plugin_errors" != *"UNABLE to load"* ]]; then
        # --http11-socket: HTTP/1.1 with keep-alive, as wrk expects. --die-on-term: uWSGI's master reloads on
        # SIGTERM unless told otherwise. --need-app: exit instead of answering 500 if the app does not load.
        bench_one uwsgi "uWSGI $(uwsgi --version)" "1 process × 16 threads" "" \
            uwsgi --plugin python3 --http11-socket 127.0.0.1:PORT --wsgi-file examples/hello.py \
            --processes 1 --threads 16 --master --disable-logging --die-on-term --need-app
    else
        notes+=("uWSGI: not installed (apt-get install uwsgi uwsgi-plugin-python3)")
    fi
fi

# --- gunicorn -------------------------------------------------------------------------------------------------

if [[ $want_gunicorn == 1 ]]; then
    if command -v gunicorn >/dev/null 2>&1; then
        bench_one gunicorn "gunicorn $(gunicorn --version 2>&1 | awk '{ print $NF }' | tr -d '()')" \
            "1 process × 16 threads (gthread)" "" \
            gunicorn -k gthread --threads 16 -w 1 -b 127.0.0.1:PORT --chdir examples hello:application
    else
        notes+=("gunicorn: not installed (apt-get install gunicorn)")
    fi
fi

# --- bjoern ---------------------------------------------------------------------------------------------------
# Not packaged by Debian: bench/bjoern-build.sh builds it from its published source into bench/.bjoern, or says why not.

if [[ $want_bjoern == 1 ]]; then
    if bjoern_dir="$(PYTHON="$PYTHON" bench/bjoern-build.sh 2>"$bench_dir/bjoern-note.log")"; then
        PYTHONPATH="$bjoern_dir" bench_one bjoern "bjoern $(PYTHONPATH="$bjoern_dir" "$PYTHON" -c 'import bjoern; print(getattr(bjoern, "__version__", "?"))')" \
            "1 process × 1 thread" "" \
            "$PYTHON" bench/apps/bjoern_serve.py PORT
    else
        notes+=("bjoern: not measured: $(sed 's/^bjoern: //' "$bench_dir/bjoern-note.log")")
    fi
fi

# --- report ---------------------------------------------------------------------------------------------------

{
    echo "# Benchmark results"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- Machine: $(uname -sm), $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown CPU))"
    echo "- Load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency after a $WARMUP warm-up, GET / on examples/hello.py"
    if [[ $want_akkawsgi == 1 ]]; then
        echo "- akkawsgi embeds: $PYTHON ($("$PYTHON" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo 'version unknown'))"
    fi
    echo
    echo "| server | config | req/s | avg latency | p50 | p99 | errors | peak RSS |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    if [[ ${#rows[@]} -gt 0 ]]; then printf '%s\n' "${rows[@]}"; fi
    if [[ ${#notes[@]} -gt 0 ]]; then
        echo
        echo "Not measured:"
        echo
        printf -- '- %s\n' "${notes[@]}"
    fi
} | tee "$results_file"

say "written to bench/results-latest.md"
[[ $failures -eq 0 ]]
