"""Answers every request itself and counts them by PATH_INFO, so the static-map tests can tell which requests
reached the application and which were served (or refused) in front of it."""
import threading
from urllib.parse import parse_qs

_calls = {}
_lock = threading.Lock()


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/_calls":
        asked = parse_qs(environ.get("QUERY_STRING", "")).get("path", [""])[0]
        with _lock:
            body = str(_calls.get(asked, 0)).encode()
    else:
        with _lock:
            _calls[path] = _calls.get(path, 0) + 1
        body = ("app " + path).encode("latin-1")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
