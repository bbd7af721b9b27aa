"""An application that waits 10 ms per request without the GIL, as one waiting on a database or an API does.

It also keeps how long its recent sleeps took, so that a benchmark can tell the server's part of a request from the
wait's: `GET /waits?since=T` answers this process's count and total seconds of the sleeps that ended at or after T
(`time.monotonic()`, the same clock in every process). Each process of a server answers for itself.
"""
import collections
import json
import os
import time

# (ended, seconds) per sleep; appending is atomic under the GIL, and the bound keeps a long run's memory flat.
_waits = collections.deque(maxlen=200_000)


def application(environ, start_response):
    if environ["PATH_INFO"] == "/waits":
        since = float(environ.get("QUERY_STRING", "").partition("since=")[2] or 0)
        taken = [seconds for ended, seconds in list(_waits) if ended >= since]
        body = json.dumps({"pid": os.getpid(), "count": len(taken), "seconds": sum(taken)}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    started = time.monotonic()
    time.sleep(0.01)
    ended = time.monotonic()
    _waits.append((ended, ended - started))
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"slept"]
