#!/usr/bin/env python3
"""Compares builds of akkawsgi with each other and with other servers, interleaved, on the same machine and in one run.

    bench/compare.py BUILD [BUILD ...]

Each BUILD is LABEL=PATH_TO_akkawsgi_EXECUTABLE, optionally followed by akkawsgi flags and preceded by environment
settings in the same argument (for example before=/tmp/before/akkawsgi
"after=artifacts/published/akkawsgi --processes 2"
"spin0=DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 artifacts/published/akkawsgi"), or LABEL=bjoern (one process, one
thread; built by bench/bjoern-build.sh), LABEL=bjoern-libpython (the same bjoern on the interpreter's shared library,
the code uWSGI and akkawsgi --python-from library load, instead of the python executable's own copy;
bench/libpython-python.sh) or LABEL=uwsgi (uWSGI keep-alive, 2 processes x 16 threads; Debian's uwsgi and
uwsgi-plugin-python3). The first BUILD is the one the ratios are relative to. For every round, every application and
every connection count, each build is started on 127.0.0.1, warmed up, measured with wrk and stopped, in turn, each
round starting with the next build; so drift on a noisy machine hits every build alike. It prints one table with the
median of the rounds and every round's figures, and writes it to bench/compare-latest.md.

"CPU/req" is the server's CPU time (user + system of every process in its group: supervisor and worker) during the
measured period, divided by the requests wrk completed: steadier than throughput on a shared machine, and what a site
with many cores pays. "answered" is how many of wrk's connections had been answered at all three quarters of the way
through (ss), because wrk's latencies only cover the connections a server serves. "steal" is the share of the machine's
CPU time its hypervisor gave to other guests during the measured period (/proc/stat): a round with much of it measured
a busy host, not the build. For sleep10, "beyond the wait" is wrk's mean latency less the application's own mean
sleep over the same period (it times its sleeps and answers /waits): what the server and the network path added to a
request, the part of it a server can change. Where a C compiler is installed, the application sleeps through
bench/apps/sleep_stamp.c (built here), and the last column splits what its wait took beyond the 10 ms asked for into
how late the kernel woke its thread and how long the thread then waited for the GIL: the part of a server's cost that
"beyond the wait" does not show.

Applications: hello (examples/hello.py), flask (a Flask JSON view), django (a Django JSON view), sleep10 (waits 10 ms
without the GIL, like a view waiting on a database: 16 workers can serve at most 1,600 req/s), mixed (computes about
0.4 ms, waits 3 ms without the GIL: one process can serve at most what one core of Python allows, about 2,400 req/s,
and needs several workers waiting at once to get there).

Environment: ROUNDS (3), DURATION (8s), WARMUP (2s: the least warm-up; an akkawsgi build is then kept under load until
its JIT is done, for at most WARMUP_MAX, 300s, and each round's line says how long it took), CONNECTIONS ("64 128"),
APPS ("hello flask"), WORKERS (16), PYTHON (the interpreter to embed; default /usr/bin/python3 when Debian's
libpython3.11 is installed), EXTRA (more akkawsgi flags). Only 127.0.0.1 is ever contacted.
"""
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APPS = {
    "hello": (os.path.join(ROOT, "examples"), "hello"),
    "flask": (os.path.join(ROOT, "bench", "apps"), "flask_json"),
    "django": (os.path.join(ROOT, "bench", "apps"), "django_json"),
    "sleep10": (os.path.join(ROOT, "bench", "apps"), "sleep10"),
    "mixed": (os.path.join(ROOT, "bench", "apps"), "mixed"),
}
# Applications that time their own waits (see bench/apps/sleep10.py), with the ms each wait asks for: for them a round
# also shows what a request took beyond its wait, on average (wrk's mean latency less the application's mean wait),
# the server's own part, and, with the stamping library, how the wait itself overran.
TIMED_WAITS = {"sleep10": 10.0}
CLK_TCK = os.sysconf("SC_CLK_TCK")
JIT_THREAD = ".NET Tiered Com"  # the runtime's tiered-compilation worker, as /proc names it
JIT_STEP = "5s"
JIT_QUIET = 2  # ticks (normally 10 ms each) of compiling in a step of load: done
WARMUP_MAX = "300s"
PEERS_BJOERN = ("bjoern", "bjoern-libpython")
PEERS = PEERS_BJOERN + ("uwsgi",)


def default_python():
    if os.path.exists("/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0") and os.path.exists("/usr/bin/python3"):
        return "/usr/bin/python3"
    return "python3"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stat(path):
    """A /proc stat file as (the name in parentheses, the fields after it: state, ppid, pgrp, ...)."""
    with open(path) as f:
        text = f.read()
    return text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 1:].split()


def group_processes(pgid):
    """(pid, stat fields after the name) of every process in process group PGID."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            _, rest = proc_stat(f"/proc/{pid}/stat")
        except (OSError, ValueError):
            continue  # it ended while being read
        if int(rest[2]) == pgid:
            yield pid, rest


def group_cpu_seconds(pgid):
    """CPU seconds (user + system) so far of every process in process group PGID, its ended threads included."""
    return sum(int(rest[11]) + int(rest[12]) for _, rest in group_processes(pgid)) / CLK_TCK


def machine_ticks():
    """The machine's CPU time so far, in ticks: (all of it, the part its hypervisor gave to other guests)."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return sum(fields[:8]), fields[7]  # user nice system idle iowait irq softirq steal


def wait_ready(port, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not answer 200 in time")


def milliseconds(match):
    """A wrk duration (a number and us, ms or s) in milliseconds."""
    return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]


def parse_wrk(out):
    """(req/s, requests, p99 ms, errors, mean latency ms) from wrk's --latency output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = milliseconds(re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out))
    mean = milliseconds(re.search(r"Latency\s+([\d.]+)(us|ms|s)\b", out))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, total, p99, errors + (int(non2xx.group(1)) if non2xx else 0), mean


def mean_wait(port, since):
    """The mean of the application's own waits that ended at or after SINCE, in ms, over all its processes, and the
    mean of the GIL waits at their ends, in ms (None unless it sleeps through the stamping library).

    Only for applications in TIMED_WAITS, which answer /waits for the process that serves the request: asked on new
    connections until several answers in a row bring no process not heard from yet.
    """
    heard = {}
    quiet = 0
    for _ in range(40):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", f"/waits?since={since}")
            answer = json.loads(conn.getresponse().read())
        finally:
            conn.close()
        quiet = quiet + 1 if answer["pid"] in heard else 0
        heard[answer["pid"]] = answer
        if quiet >= 8:
            break
    count = sum(a["count"] for a in heard.values())
    if not count:
        return None, None
    gil = sum(a["gil"] for a in heard.values()) / count * 1000 if all("gil" in a for a in heard.values()) else None
    return sum(a["seconds"] for a in heard.values()) / count * 1000, gil


def build_stamp():
    """bench/apps/sleep_stamp.c built as a shared library in a temporary directory, or None without a C compiler."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        print("  (no C compiler: the 10 ms application's wait is not split into a late wake and the GIL)",
              file=sys.stderr, flush=True)
        return None
    library = os.path.join(tempfile.mkdtemp(prefix="akkawsgi-stamp-"), "libsleepstamp.so")
    subprocess.run([compiler, "-O2", "-Wall", "-shared", "-fPIC", "-o", library,
                    os.path.join(ROOT, "bench", "apps", "sleep_stamp.c")], check=True)
    return library


def server_command(server, app, port, env_conf):
    """The command line that serves APP on PORT with SERVER (a list: akkawsgi path + flags, or a peer's name)."""
    chdir, module = APPS[app]
    python = env_conf["python"]
    if server[0] in PEERS_BJOERN:
        python = env_conf["libpython-python"] if server[0] == "bjoern-libpython" else python
        return [python, os.path.join(ROOT, "bench", "apps", "bjoern_serve.py"), str(port), chdir, module]
    if server[0] == "uwsgi":
        return ["uwsgi", "--plugin", "python3", "--http11-socket", f"127.0.0.1:{port}", "--chdir", chdir,
                "--pythonpath", chdir, "--module", f"{module}:application", "--master", "--processes", "2", "--threads", "16",
                "--disable-logging", "--die-on-term", "--lazy-apps"]
    workers = [] if "--workers" in server else ["--workers", env_conf["workers"]]
    return [server[0], "--module", module, "--chdir", chdir, "--http-socket", f"127.0.0.1:{port}",
            "--python", python] + workers + env_conf["extra"] + server[1:]


def seconds(duration):
    """wrk's duration syntax (8s, 2m, 1h; plain seconds) in seconds."""
    number, unit = re.fullmatch(r"(\d+)([smh]?)", duration).groups()
    return int(number) * {"": 1, "s": 1, "m": 60, "h": 3600}[unit]


def group_threads(pgid):
    """(pid, tid, name, CPU ticks so far) of every thread of every process in process group PGID."""
    for pid, _ in group_processes(pgid):
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                name, rest = proc_stat(f"/proc/{pid}/task/{tid}/stat")
            except (OSError, ValueError):
                continue  # a thread that ended while being read
            yield pid, tid, name, int(rest[11]) + int(rest[12])


def jit_ticks(pgid):
    """CPU ticks so far of the runtime's tiered-compilation threads in process group PGID."""
    return sum(ticks for _, _, name, ticks in group_threads(pgid) if name == JIT_THREAD)


def warm_up(server, proc, url, conns, env_conf):
    """Puts wrk's load on SERVER for WARMUP, then, for akkawsgi, until its JIT is done; returns the seconds it took.

    The runtime compiles hot code again, optimised, in the background for a while after start: with two worker
    processes on two busy cores that took 60-110 s on a slow machine (docs/performance.md), and measuring before it is
    done measures the compiler. So an akkawsgi build is loaded in steps of JIT_STEP until a step in which its
    tiered-compilation threads used at most JIT_QUIET ticks, for at most WARMUP_MAX.
    """
    started = time.monotonic()
    load = lambda duration: subprocess.run(  # noqa: E731
        ["wrk", "-t1", f"-c{conns}", f"-d{duration}", url], capture_output=True, check=True)
    load(env_conf["warmup"])
    if program(server) in PEERS:
        return time.monotonic() - started
    while time.monotonic() - started < seconds(env_conf["warmup-max"]):
        before = jit_ticks(proc.pid)
        load(JIT_STEP)
        if jit_ticks(proc.pid) - before <= JIT_QUIET:
            break
    else:
        print(f"  (its JIT was still busy after {env_conf['warmup-max']} of load)", file=sys.stderr, flush=True)
    return time.monotonic() - started


def program(server):
    """The executable of a build: its first word that is not an environment setting."""
    return next((w for w in server if "=" not in w), "")


def answered_connections(port):
    """(connections to PORT that have received any response, all of them) by the kernel's count, or None without ss.

    wrk's latencies only cover the requests that were answered: a server that serves a few connections and leaves
    the others waiting (threads held by keep-alive connections) shows the latency of the few. This shows how many.
    """
    try:
        out = subprocess.run(["ss", "-tinH", "state", "established", f"( dport = :{port} )"],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    # Each connection is two lines: the addresses, then its counters; a connection that has received nothing has no
    # bytes_received counter at all.
    counters = [line for line in out.splitlines() if line.startswith(("\t", " "))]
    return sum(1 for line in counters if re.search(r"\bbytes_received:[1-9]", line)), len(counters)


def measure(label, server, app, conns, env_conf):
    port = free_port()
    log = open(os.path.join(ROOT, "bench", "compare-server.log"), "ab")
    env = dict(os.environ)
    while server and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", server[0]):
        name, _, value = server.pop(0).partition("=")
        env[name] = value
    if server[0] in PEERS_BJOERN:
        env["PYTHONPATH"] = env_conf["bjoern"]
    if app in TIMED_WAITS and env_conf["stamp"]:
        env["SLEEP10_STAMP"] = env_conf["stamp"]
    proc = subprocess.Popen(server_command(server, app, port, env_conf), stdout=log, stderr=log, env=env,
                            start_new_session=True)
    try:
        wait_ready(port, proc)
        url = f"http://127.0.0.1:{port}/"
        warmed = warm_up(server, proc, url, conns, env_conf)
        cpu0 = group_cpu_seconds(proc.pid)
        ticks0 = machine_ticks()
        since = time.monotonic()
        wrk = subprocess.Popen(["wrk", "-t1", f"-c{conns}", f"-d{env_conf['duration']}", "--latency", url],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Counted three quarters of the way through, when every connection has had time to be answered.
        time.sleep(seconds(env_conf["duration"]) * 3 / 4)
        answered = answered_connections(port)
        out = wrk.communicate()[0]
        if wrk.returncode != 0:
            raise RuntimeError(f"wrk failed against {label}: {out}")
        cpu1 = group_cpu_seconds(proc.pid)
        ticks1 = machine_ticks()
        steal = (ticks1[1] - ticks0[1]) / max(ticks1[0] - ticks0[0], 1) * 100
        rps, total, p99, errors, mean = parse_wrk(out)
        if errors:
            log.write(f"--- wrk reported errors against {label}:\n{out}\n".encode())
        wait, gil = mean_wait(port, since) if app in TIMED_WAITS else (None, None)
        beyond = None if wait is None else mean - wait
        overrun = None if gil is None else (wait - gil - TIMED_WAITS[app], gil)
        return rps, p99, (cpu1 - cpu0) / max(total, 1) * 1e6, errors, answered, steal, warmed, beyond, overrun
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            proc.wait()  # it had exited already (a failed start), which the caller hears of
        log.close()


def answered_text(answered):
    return "?" if answered is None else f"{answered[0]}/{answered[1]}"


def min_answered(rounds):
    """The round in which the fewest connections were answered, or None if ss could not count any."""
    counted = [r[4] for r in rounds if r[4] is not None]
    return min(counted) if counted else None


def beyond_text(beyond, overrun):
    text = "" if beyond is None else f", {beyond:.3f} ms beyond the wait"
    return text if overrun is None else text + f" (in it: woken {overrun[0]:.3f} ms late, {overrun[1]:.3f} ms for the GIL)"


def median_beyond(rounds):
    """The median of what requests took beyond the application's wait, or a dash for an application that has none."""
    measured = [r[7] for r in rounds if r[7] is not None]
    return f"{statistics.median(measured):.3f}" if measured else "–"


def median_overrun(rounds):
    """The medians of how late the wait's thread was woken and how long it then waited for the GIL, or a dash."""
    measured = [r[8] for r in rounds if r[8] is not None]
    if not measured:
        return "–"
    return f"{statistics.median(m[0] for m in measured):.3f} / {statistics.median(m[1] for m in measured):.3f}"


def main():
    builds = [(label, shlex.split(rest)) for label, _, rest in (a.partition("=") for a in sys.argv[1:])]
    if not builds or any(program(server) not in PEERS and not os.access(program(server), os.X_OK)
                         for _, server in builds):
        sys.exit(__doc__)
    if shutil.which("wrk") is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            sys.exit("wrk is not installed (apt-get install wrk)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "-q", "update"], env=env, capture_output=True, check=True)
        subprocess.run(["apt-get", "-q", "-y", "install", "wrk"], env=env, capture_output=True, check=True)
    conf = {
        "rounds": int(os.environ.get("ROUNDS", "3")),
        "duration": os.environ.get("DURATION", "8s"),
        "warmup": os.environ.get("WARMUP", "2s"),
        "warmup-max": os.environ.get("WARMUP_MAX", WARMUP_MAX),
        "workers": os.environ.get("WORKERS", "16"),
        "python": os.environ.get("PYTHON", default_python()),
        "extra": os.environ.get("EXTRA", "").split(),
        "stamp": None,
    }
    peers = {program(server) for _, server in builds}
    for needed_by, key, script in ((PEERS_BJOERN, "bjoern", "bjoern-build.sh"),
                                   (("bjoern-libpython",), "libpython-python", "libpython-python.sh")):
        if peers & set(needed_by):
            built = subprocess.run([os.path.join(ROOT, "bench", script)], env=dict(os.environ, PYTHON=conf["python"]),
                                   capture_output=True, text=True)
            if built.returncode != 0:
                sys.exit(built.stderr.strip())
            conf[key] = built.stdout.strip()
    if "uwsgi" in peers and shutil.which("uwsgi") is None:
        sys.exit("uwsgi is not installed (apt-get install uwsgi uwsgi-plugin-python3)")
    conns_list = [int(c) for c in os.environ.get("CONNECTIONS", "64 128").split()]
    apps = os.environ.get("APPS", "hello flask").split()
    if any(app in TIMED_WAITS for app in apps):
        conf["stamp"] = build_stamp()
    results = {}
    for rnd in range(conf["rounds"]):
        for app in apps:
            for conns in conns_list:
                # Each round starts with the next build: a machine that speeds up or slows down over a round, or a
                # build slowed by the one before it, would otherwise favour the same build every round.
                for label, server in builds[rnd % len(builds):] + builds[:rnd % len(builds)]:
                    r = measure(label, list(server), app, conns, conf)
                    results.setdefault((app, conns, label), []).append(r)
                    print(f"round {rnd + 1} {app} c={conns} {label}: {r[0]:.0f} req/s, p99 {r[1]:.2f} ms, "
                          f"{r[2]:.1f} µs CPU/req, {r[3]} errors, {answered_text(r[4])} connections answered, "
                          f"steal {r[5]:.1f} %, warmed up {r[6]:.0f} s" + beyond_text(r[7], r[8]),
                          file=sys.stderr, flush=True)
    timed = any(app in TIMED_WAITS for app in apps)
    lines = [f"python {conf['python']}, {conf['workers']} workers, {conf['rounds']} rounds of {conf['duration']}, "
             f"wrk -t1 on the same machine", "",
             "| app | conns | build | req/s (median) | ratio | p99 ms (median) | ratio | CPU µs/req (median) | rounds: req/s | errors "
             "| answered (fewest) | steal % (most) |"
             + (" beyond the wait, ms (median) | in the wait: woken late / GIL, ms (medians) |" if timed else ""),
             "|---|---|---|---|---|---|---|---|---|---|---|---|" + ("---|---|" if timed else "")]
    for app in apps:
        for conns in conns_list:
            base = None
            for label, _ in builds:
                rs = results[(app, conns, label)]
                rps = statistics.median(r[0] for r in rs)
                p99 = statistics.median(r[1] for r in rs)
                cpu = statistics.median(r[2] for r in rs)
                base = base or (rps, p99)
                lines.append(f"| {app} | {conns} | {label} | {rps:,.0f} | {rps / base[0]:.2f} | {p99:.2f} | "
                             f"{p99 / base[1]:.2f} | {cpu:.1f} | {' / '.join(f'{r[0]:,.0f}' for r in rs)} | "
                             f"{sum(r[3] for r in rs)} | {answered_text(min_answered(rs))} | "
                             f"{max(r[5] for r in rs):.1f} |" + (f" {median_beyond(rs)} | {median_overrun(rs)} |" if timed else ""))
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(ROOT, "bench", "compare-latest.md"), "w") as f:
        f.write(table + "\n")


if __name__ == "__main__":
    main()
