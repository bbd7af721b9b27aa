"""For the multi-process tests: which process answered, as which user, running which version of the code."""
import os
import time

import akkawsgi

VERSION = "1"

_STAMPS = os.environ.get("AKKAWSGI_TEST_STAMP_FILE")
_SUPERVISOR_VARIABLES = ("AKKAWSGI_LISTEN_FDS", "AKKAWSGI_CONTROL_FD", "AKKAWSGI_WORKER")


@akkawsgi.timer(0.2)
def stamp():
    # Records which process runs the timer: with several worker processes only one may.
    if _STAMPS:
        with open(_STAMPS, "a") as f:
            f.write(f"{os.getpid()}\n")


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/slow":
        time.sleep(float(environ.get("QUERY_STRING") or "0.2"))
    if path == "/crash":
        import ctypes
        ctypes.string_at(0)  # a C extension's bug: the process dies of SIGSEGV
    if path == "/stdin":
        # What the application finds on standard input, itself and in a child process it starts.
        import subprocess
        import sys
        own = sys.stdin.read()
        child = subprocess.run(["cat"], capture_output=True, timeout=5).stdout.decode()
        body = f"own={own!r} child={child!r}".encode()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body]
    body = (
        f"pid={os.getpid()} uid={os.getuid()} gid={os.getgid()} version={VERSION} "
        f"multiprocess={environ['wsgi.multiprocess']} "
        f"sees_supervisor_variables={any(k in os.environ for k in _SUPERVISOR_VARIABLES)}\n"
    ).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
