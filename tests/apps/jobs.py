"""An application with a timer, a failing timer and a cron job, for the background-job tests."""
import threading

import akkawsgi

_lock = threading.Lock()
_counts = {"tick": 0, "broken": 0, "overlap": 0, "overlap_max": 0}
_inside = [0]


@akkawsgi.timer(0.3)
def tick():
    with _lock:
        _counts["tick"] += 1


@akkawsgi.timer(0.3)
def broken():
    with _lock:
        _counts["broken"] += 1
    raise RuntimeError("broken-job-marker")


@akkawsgi.timer(0.2)
def slow():
    # Runs longer than its period: it must never overlap itself.
    import time

    with _lock:
        _inside[0] += 1
        _counts["overlap_max"] = max(_counts["overlap_max"], _inside[0])
    time.sleep(0.5)
    with _lock:
        _inside[0] -= 1


@akkawsgi.cron(-1, -1, -1, -1, -1)
def every_minute():
    pass


def application(environ, start_response):
    with _lock:
        body = " ".join("%s=%d" % item for item in sorted(_counts.items())).encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]
