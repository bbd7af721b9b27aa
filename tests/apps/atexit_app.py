"""Proves a graceful stop runs Python's atexit handlers and lets in-flight requests finish.

The handler writes the file named by AKKAWSGI_TEST_ATEXIT_FILE; the test reads it after the
server has exited with code 0.
"""

import atexit
import os
import time


def _on_exit():
    path = os.environ.get("AKKAWSGI_TEST_ATEXIT_FILE")
    if path:
        with open(path, "w") as f:
            f.write("atexit ran in pid %d" % os.getpid())


atexit.register(_on_exit)


def application(environ, start_response):
    seconds = 0.0
    if environ.get("PATH_INFO") == "/slow":
        seconds = float(environ.get("QUERY_STRING", "").partition("=")[2] or "2")
    time.sleep(seconds)
    body = ("finished after %.1f s" % seconds).encode("ascii")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
