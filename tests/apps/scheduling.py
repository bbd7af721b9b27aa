"""Records the order requests run in, for the scheduling (priority) tests."""
import threading
import time
from urllib.parse import parse_qs

_order = []
_lock = threading.Lock()


def application(environ, start_response):
    q = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    path = environ["PATH_INFO"]
    if path == "/block":
        time.sleep(float(q.get("s", "1")))
        body = b"unblocked"
    elif path == "/order":
        with _lock:
            body = ",".join(_order).encode()
    elif path == "/remote":
        body = ("%s %s" % (environ.get("REMOTE_ADDR"), environ["wsgi.url_scheme"])).encode()
    else:
        with _lock:
            _order.append(q.get("name", path))
        body = b"recorded"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
