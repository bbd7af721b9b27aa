"""For the cluster tests: parks and notifies across nodes, blocks clients, and stamps which process runs its timer."""
import os
from urllib.parse import parse_qs

import akkawsgi
import parking

_STAMPS = os.environ.get("AKKAWSGI_TEST_STAMP_FILE")


@akkawsgi.timer(0.2)
def stamp():
    # Records which process runs the timer: in a cluster only one node may.
    if _STAMPS:
        with open(_STAMPS, "a") as f:
            f.write(f"{os.getpid()}\n")


def _reply(start_response, status, text, headers=()):
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))] + list(headers))
    return [body]


def application(environ, start_response):
    path = environ["PATH_INFO"]
    q = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if path == "/pid":
        return _reply(start_response, "200 OK", str(os.getpid()))
    if path == "/block":
        return _reply(start_response, "403 Forbidden", "blocked", [("X-AkkaWsgi-Block", q.get("s", "30"))])
    if path == "/park" and environ.get("HTTP_X_AKKAWSGI_PARK_ARG") is not None:
        return _reply(start_response, "200 OK", f"retried arg={environ['HTTP_X_AKKAWSGI_PARK_ARG']} pid={os.getpid()}")
    return parking.application(environ, start_response)
