#!/usr/bin/env python3
"""What the application alone costs: each of compare.py's applications called in a loop in one thread, no server.

    bench/app-loop.py [APP ...]          # default: hello flask django

Each application is run by the interpreter's own executable (PYTHON, as compare.py chooses it) and by an executable
on the same interpreter's shared library (bench/libpython-python.sh: the code uWSGI and akkawsgi --python-from library load), interleaved,
ROUNDS (3) times CALLS (20000) calls; it prints the microseconds per call of every round. The environ is a fresh dict
per call, as a server gives it; the body is iterated and closed.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

LOOP = r"""
import io, sys, time
directory, module, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, directory)
import os; os.chdir(directory)
application = __import__(module).application
def environ():
    return {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/", "QUERY_STRING": "", "REQUEST_URI": "/",
            "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_PORT": "5555", "HTTP_HOST": "127.0.0.1:8000", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
            "wsgi.multiprocess": False, "wsgi.run_once": False}
def start_response(status, headers, exc_info=None):
    return None
for _ in range(calls // 10):  # warm-up
    body = application(environ(), start_response); [None for _ in body]; getattr(body, "close", lambda: None)()
start = time.perf_counter()
for _ in range(calls):
    body = application(environ(), start_response)
    for _ in body:
        pass
    if hasattr(body, "close"):
        body.close()
print(f"{(time.perf_counter() - start) / calls * 1e6:.1f}")
"""


def main():
    apps = sys.argv[1:] or ["hello", "flask", "django"]
    unknown = [a for a in apps if a not in compare.APPS]
    if unknown:
        sys.exit(f"unknown application {unknown[0]}; one of {', '.join(compare.APPS)}\n\n{__doc__}")
    python = os.environ.get("PYTHON", compare.default_python())
    built = subprocess.run([os.path.join(compare.ROOT, "bench", "libpython-python.sh")],
                           env=dict(os.environ, PYTHON=python), capture_output=True, text=True)
    if built.returncode != 0:
        sys.exit(built.stderr.strip())
    interpreters = [(python, python), ("its shared library", built.stdout.strip())]
    rounds, calls = int(os.environ.get("ROUNDS", "3")), os.environ.get("CALLS", "20000")
    times = {}
    for _ in range(rounds):  # interleaved, so that the machine's drift hits both interpreters alike
        for app in apps:
            directory, module = compare.APPS[app]
            for label, executable in interpreters:
                run = subprocess.run([executable, "-c", LOOP, directory, module, calls], capture_output=True, text=True)
                if run.returncode != 0:
                    sys.exit(f"{app} did not run on {label}:\n{run.stderr}")
                times.setdefault((app, label), []).append(run.stdout.strip())
    for app in apps:
        for label, _ in interpreters:
            print(f"{app:8} {label:22} µs per call: {' / '.join(times[(app, label)])}")

if __name__ == "__main__":
    main()
