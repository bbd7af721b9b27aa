"""An application that waits 10 ms per request without the GIL, as one waiting on a database or an API does.

It also keeps how long its recent sleeps took, so that a benchmark can tell the server's part of a request from the
wait's: `GET /waits?since=T` answers this process's count and total seconds of the sleeps that ended at or after T
(`time.monotonic()`, the same clock in every process). Each process of a server answers for itself.

Where SLEEP10_STAMP names bench/apps/sleep_stamp.c built as a shared library, it sleeps through that instead, which
reads the clock as the sleep ends and before the thread takes the GIL back, and /waits also answers the seconds spent
waiting for the GIL after the sleeps ("gil"): a server whose threads hold the GIL long, or lose their core while they
hold it, shows there.
"""
import collections
import ctypes
import json
import os
import time

# (ended, seconds, seconds waiting for the GIL at the end) per sleep; appending is atomic under the GIL, and the bound
# keeps a long run's memory flat.
_waits = collections.deque(maxlen=200_000)


def _stamped_sleep():
    """A sleep that returns the clock at its end, read without the GIL, or None where the library is not named."""
    path = os.environ.get("SLEEP10_STAMP")
    if not path:
        return None
    sleep_stamp = ctypes.CDLL(path).sleep_stamp
    sleep_stamp.restype = ctypes.c_double
    sleep_stamp.argtypes = [ctypes.c_double]
    return sleep_stamp


_sleep_stamp = _stamped_sleep()


def application(environ, start_response):
    if environ["PATH_INFO"] == "/waits":
        since = float(environ.get("QUERY_STRING", "").partition("since=")[2] or 0)
        taken = [wait for wait in list(_waits) if wait[0] >= since]
        answer = {"pid": os.getpid(), "count": len(taken), "seconds": sum(wait[1] for wait in taken)}
        if _sleep_stamp is not None:
            answer["gil"] = sum(wait[2] for wait in taken)
        body = json.dumps(answer).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    started = time.monotonic()
    if _sleep_stamp is None:
        time.sleep(0.01)
        woke = ended = time.monotonic()
    else:
        woke = _sleep_stamp(0.01)
        ended = time.monotonic()
    _waits.append((ended, ended - started, ended - woke))
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"slept"]
