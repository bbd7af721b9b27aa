"""Blocks the client it answers with X-AkkaWsgi-Block, and counts the calls it serves, for the blocking tests."""
import threading
from urllib.parse import parse_qs

_calls = 0
_lock = threading.Lock()


def application(environ, start_response):
    global _calls
    q = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    path = environ["PATH_INFO"]
    if path == "/block":
        # /block?s=SECONDS[&header=NAME][&cacheable=1]: the header's spelling is the test's choice, to check the alias
        # and case; cacheable makes it the 404 a site gives a scanner, marked as a page the cache could keep.
        header = q.get("header", "X-AkkaWsgi-Block")
        status, extra = ("404 Not Found", [("Cache-Control", "public, max-age=60")]) if "cacheable" in q else ("403 Forbidden", [])
        start_response(status, [("Content-Type", "text/plain"), (header, q.get("s", "2")), ("X-Kept", "yes")] + extra)
        return [b"blocked"]
    if path == "/calls":
        with _lock:
            body = str(_calls).encode()
    else:
        with _lock:
            _calls += 1
            body = ("served %s" % environ.get("REMOTE_ADDR")).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
