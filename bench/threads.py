#!/usr/bin/env python3
"""Where the server's CPU goes while it serves: CPU seconds per thread (grouped by thread name) during a wrk run.

    bench/threads.py AKKAWSGI_EXECUTABLE [APP] [akkawsgi flags...]

APP is one of compare.py's applications (default flask). Environment: DURATION (8s), WARMUP (10s; then, as in
compare.py, under load until the JIT is done, for at most WARMUP_MAX, 300s), CONNECTIONS (32), PYTHON.

Prints, per thread name, the CPU microseconds per request, the share of one core, the time it was ready to run but
waited for a core (the kernel's run delay, /proc/.../schedstat, as a share of one core), and the context switches per
request (voluntary: the thread slept; involuntary: it was switched out while runnable, which is also what a
sched_yield that hands the core over counts as), largest first. Threads of every process of the server (supervisor
and worker processes) are counted, and wrk's own CPU and wait last (read every quarter second while it runs, so
up to a quarter second short): a load generator that waits for a core adds that wait
to the latency it reports. Only 127.0.0.1 is ever contacted.
"""
import collections
import os
import re
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402


def switches(pid, tid):
    """(voluntary, involuntary) context switches of one thread so far."""
    counts = {}
    with open(f"/proc/{pid}/task/{tid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"):
                counts[key] = int(value)
    return counts.get("voluntary_ctxt_switches", 0), counts.get("nonvoluntary_ctxt_switches", 0)


def run_delay(pid, tid):
    """Seconds the thread has so far been ready to run while every core was busy (0 where the kernel does not say)."""
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def thread_cpu(pgid):
    """{(pid, tid): (name, cpu seconds, voluntary, involuntary, run delay seconds)} for every thread in group PGID."""
    found = {}
    for pid, tid, name, ticks in compare.group_threads(pgid):
        try:
            found[(pid, tid)] = (name, ticks / compare.CLK_TCK) + switches(pid, tid) + (run_delay(pid, tid),)
        except OSError:
            continue
    return found


def run_wrk(args):
    """wrk's output, and its (CPU seconds, run delay seconds) over its run, read while it ran."""
    wrk = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    seen = (0.0, 0.0)
    while wrk.poll() is None:
        try:
            _, rest = compare.proc_stat(f"/proc/{wrk.pid}/stat")
            waited = sum(run_delay(wrk.pid, tid) for tid in os.listdir(f"/proc/{wrk.pid}/task"))
            seen = ((int(rest[11]) + int(rest[12])) / compare.CLK_TCK, waited)
        except (OSError, ValueError):
            pass
        try:
            wrk.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            pass
    out = wrk.stdout.read()
    if wrk.returncode != 0:
        raise subprocess.CalledProcessError(wrk.returncode, args, out)
    return out, seen


def main():
    if len(sys.argv) < 2 or not os.access(sys.argv[1], os.X_OK):
        sys.exit(__doc__)
    app = sys.argv[2] if len(sys.argv) > 2 else "flask"
    flags = sys.argv[3:]
    conf = {"python": os.environ.get("PYTHON", compare.default_python()), "workers": "16", "extra": []}
    duration = os.environ.get("DURATION", "8s")
    conns = os.environ.get("CONNECTIONS", "32")
    port = compare.free_port()
    cmd = compare.server_command([sys.argv[1]] + flags, app, port, conf)
    with open(os.path.join(compare.ROOT, "bench", "threads-server.log"), "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
    try:
        compare.wait_ready(port, proc)
        url = f"http://127.0.0.1:{port}/"
        warm = {"warmup": os.environ.get("WARMUP", "10s"),
                "warmup-max": os.environ.get("WARMUP_MAX", compare.WARMUP_MAX)}
        compare.warm_up([sys.argv[1]] + flags, proc, url, conns, warm)
        before = thread_cpu(proc.pid)
        out, (wrk_cpu, wrk_waited) = run_wrk(["wrk", "-t1", f"-c{conns}", f"-d{duration}", url])
        after = thread_cpu(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    seconds = compare.seconds(duration)
    rps, total, _, _, _ = compare.parse_wrk(out + "\n99% 0ms\n")
    by_name = collections.defaultdict(lambda: [0.0, 0, 0, 0, 0.0])
    for key, (name, cpu, voluntary, involuntary, waited) in after.items():
        _, cpu0, voluntary0, involuntary0, waited0 = before.get(key, (name, 0.0, 0, 0, 0.0))
        # Pool threads carry numbers and ids in their names; the kind of thread is what matters.
        kind = re.sub(r"[ _#-]*\d+$", "", name)
        by_name[kind][0] += cpu - cpu0
        by_name[kind][1] += 1
        by_name[kind][2] += voluntary - voluntary0
        by_name[kind][3] += involuntary - involuntary0
        by_name[kind][4] += waited - waited0
    total_cpu = sum(v[0] for v in by_name.values())
    print(f"{app}, flags {' '.join(flags) or '(defaults)'}: {rps:,.0f} req/s, "
          f"{total_cpu / total * 1e6:.1f} µs CPU/req, {total_cpu / seconds:.2f} cores")
    print("| thread | threads | µs CPU/req | cores | waiting for a core | voluntary switches/req "
          "| involuntary switches/req |\n|---|---|---|---|---|---|---|")
    for kind, (cpu, count, voluntary, involuntary, waited) in sorted(by_name.items(), key=lambda kv: -kv[1][0]):
        if cpu > 0:
            print(f"| {kind} | {count} | {cpu / total * 1e6:.1f} | {cpu / seconds:.2f} | {waited / seconds:.2f} "
                  f"| {voluntary / total:.2f} | {involuntary / total:.2f} |")
    print(f"| wrk (the load, not the server) | 1 | {wrk_cpu / total * 1e6:.1f} | {wrk_cpu / seconds:.2f} "
          f"| {wrk_waited / seconds:.2f} | | |")


if __name__ == "__main__":
    main()
