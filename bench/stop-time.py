#!/usr/bin/env python3
"""How long a graceful stop takes: each build serves an application, takes wrk's load for LOAD (3s), and is sent
SIGTERM; the time until the whole server (supervisor and worker processes) has exited is printed.

    bench/stop-time.py LABEL=AKKAWSGI_EXECUTABLE[ flags] ...

APPS (default "flask django big_heap": compare.py's applications, and big_heap, a page in a process that keeps
300,000 small containers alive) and ROUNDS (3); builds are interleaved in every round. Only 127.0.0.1 is contacted.
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

compare.APPS.setdefault("big_heap", (os.path.join(compare.ROOT, "bench", "apps"), "big_heap"))


def stop_time(server, app, env_conf):
    port = compare.free_port()
    command = compare.server_command(server, app, port, env_conf)
    with open(os.path.join(compare.ROOT, "bench", "stop-time-server.log"), "ab") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
        try:
            compare.wait_ready(port, proc)
            subprocess.run(["wrk", "-t1", "-c32", f"-d{os.environ.get('LOAD', '3s')}", f"http://127.0.0.1:{port}/"],
                           capture_output=True, check=True)
            time.sleep(0.5)
            start = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=120)
            return time.monotonic() - start, code
        finally:
            # Whatever of the server is left (a failed start, a stop past the timeout, a worker outliving its
            # supervisor) must not hold the next build's cores or ports.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


def main():
    builds = [arg.split("=", 1) for arg in sys.argv[1:]]
    if not builds or any(len(b) != 2 for b in builds):
        sys.exit(__doc__)
    env_conf = {"python": os.environ.get("PYTHON") or compare.default_python(), "workers": "16", "extra": []}
    apps = os.environ.get("APPS", "flask django big_heap").split()
    results = {}
    for round_ in range(int(os.environ.get("ROUNDS", "3"))):
        for app in apps:
            for label, spec in builds:
                seconds, code = stop_time(spec.split(), app, env_conf)
                results.setdefault((app, label), []).append(seconds)
                print(f"round {round_ + 1} {app} {label}: stopped in {seconds:.2f} s (exit {code})", flush=True)
    print("\n| app | build | stop, s (each round) |\n|---|---|---|")
    for (app, label), times in results.items():
        print(f"| {app} | {label} | {' / '.join(f'{t:.2f}' for t in times)} |")


if __name__ == "__main__":
    main()
