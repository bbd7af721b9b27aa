"""Requests that run too long in different ways, for the request-timeout tests."""
import logging
import threading
import time
from urllib.parse import parse_qs

log = logging.getLogger("timeouts-app")
log.addHandler(logging.StreamHandler())
_hits = {}
_hits_lock = threading.Lock()


def _query(environ):
    return {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}


def _hit(name):
    with _hits_lock:
        _hits[name] = _hits.get(name, 0) + 1


def application(environ, start_response):
    path = environ["PATH_INFO"]
    q = _query(environ)
    if path == "/spin":
        # Pure Python, so an asynchronous exception reaches it between two bytecodes.
        end = time.monotonic() + float(q.get("s", "3600"))
        while time.monotonic() < end:
            pass
    elif path == "/sleep":
        # time.sleep is one C call: the exception can only be raised when it returns.
        if "say" in q:
            log.error("asleep: %s", q["say"])
        time.sleep(float(q["s"]))
    elif path == "/hold-gil":
        # One C call that never runs a bytecode and never lets the GIL go: no interrupt and no other thread gets in.
        sum(range(10**13))
    elif path == "/hold-log-lock":
        # Takes the handler's lock the way a timeout between acquire() and try: would leave it: held, never released.
        log.handlers[0].acquire()
        while True:
            pass
    elif path == "/log":
        log.error("logged by %s", q.get("who", "someone"))
    elif path == "/hits":
        start_response("200 OK", [("Content-Type", "text/plain")])
        with _hits_lock:
            return [str(_hits.get(q["name"], 0)).encode()]
    _hit(q.get("name", path))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"done"]
