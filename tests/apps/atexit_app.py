"""Proves a graceful stop runs Python's atexit handlers and lets in-flight requests finish.

The handler writes the file named by AKKAWSGI_TEST_ATEXIT_FILE; the test reads it after the
server has exited with code 0. With AKKAWSGI_TEST_GC_FILE it also watches the collections that
run after the exit handlers (see _watch_exit_collections). With AKKAWSGI_TEST_THREAD it starts a
non-daemon thread of that name, which ends once the file AKKAWSGI_TEST_THREAD_RELEASE exists.
"""

import atexit
import os
import threading
import time


def _on_exit():
    path = os.environ.get("AKKAWSGI_TEST_ATEXIT_FILE")
    if path:
        with open(path, "w") as f:
            f.write("atexit ran in pid %d" % os.getpid())
    watch = os.environ.get("AKKAWSGI_TEST_GC_FILE")
    if watch:
        _watch_exit_collections(watch)


class _Finalised:
    def __init__(self, path):
        self.path = path
        self.cycle = self

    def __del__(self):
        with open(self.path, "w") as f:
            f.write("finalised")


def _watch_exit_collections(path):
    """Leaves a finaliser in a reference cycle, which only a collection can run, and writes "HEAVY TOTAL" to PATH after
    every full collection from here on: HEAVY counts the ones that still examined at least half of the TOTAL objects
    tracked now."""
    import gc

    total = len(gc.get_objects())
    heavy = [0]
    _Finalised(path + ".finalised")

    def after(phase, info):
        if phase == "stop" and info["generation"] == 2:
            if len(gc.get_objects()) >= total // 2:
                heavy[0] += 1
            with open(path, "w") as f:
                f.write("%d %d" % (heavy[0], total))

    gc.callbacks.append(after)


atexit.register(_on_exit)


def _poll(release):
    # Ends only once the file named by release exists (never, without one), as a thread polling a queue might.
    while not (release and os.path.exists(release)):
        time.sleep(0.05)


if os.environ.get("AKKAWSGI_TEST_THREAD"):
    # Not a daemon: Python's exit waits for it.
    threading.Thread(target=_poll, args=(os.environ.get("AKKAWSGI_TEST_THREAD_RELEASE"),),
                     name=os.environ["AKKAWSGI_TEST_THREAD"]).start()


def application(environ, start_response):
    seconds = 0.0
    if environ.get("PATH_INFO") == "/slow":
        seconds = float(environ.get("QUERY_STRING", "").partition("=")[2] or "2")
    time.sleep(seconds)
    body = ("finished after %.1f s" % seconds).encode("ascii")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
