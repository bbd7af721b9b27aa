"""Pages with chosen caching headers, each counting its calls, for the page cache tests.

/calls?path=P reports how many times the application answered P; a POST to /comment is redirected (303) to the
page named by its query, as a form handler sends the browser back to the page it changed; every other path answers
"P N" (N: that path's count so far, in this process) with the headers its name asks for, and X-Pid.
"""
import os
import threading
from urllib.parse import parse_qs

_calls = {}
_lock = threading.Lock()

_HEADERS = {
    "/plain": [],
    "/auth": [],
    "/refresh": [],
    "/set-cookie": [("Set-Cookie", "session=abc; Path=/")],
    "/vary-cookie": [("Vary", "Cookie")],
    "/vary-named": [("Vary", "Cookie"), ("X-AkkaWsgi-Vary-Cookies", "session")],
    "/etag": [("ETag", '"v1"')],
}

# Paths whose Cache-Control replaces the usual "public, max-age=60".
_CACHE_CONTROL = {
    "/shared-only": "public, max-age=0, s-maxage=60",
    "/browser-only": "public, max-age=60, s-maxage=0",
}


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/calls":
        q = parse_qs(environ.get("QUERY_STRING", ""))
        with _lock:
            body = str(_calls.get(q["path"][0], 0)).encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Cache-Control", "no-store")])
        return [body]
    if path == "/comment" and environ["REQUEST_METHOD"] == "POST":
        environ["wsgi.input"].read()
        start_response("303 See Other", [("Location", environ["QUERY_STRING"]), ("Cache-Control", "no-store")])
        return [b""]
    with _lock:
        _calls[path] = _calls.get(path, 0) + 1
        body = ("%s %d" % (path, _calls[path])).encode()
    headers = [("Content-Type", "text/plain"), ("Cache-Control", _CACHE_CONTROL.get(path, "public, max-age=60"))]
    headers += _HEADERS.get(path, []) + [("X-Pid", str(os.getpid()))]
    start_response("200 OK", headers)
    return [body]
