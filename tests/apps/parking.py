"""Parks requests on channels and wakes them with akkawsgi.notify_parked, for the parking tests."""
import threading
from urllib.parse import parse_qs

import akkawsgi

_runs = {}
_lock = threading.Lock()


def _reply(start_response, status, text, headers=()):
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))] + list(headers))
    return [body]


def application(environ, start_response):
    q = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    path = environ["PATH_INFO"]
    if path == "/park":
        # /park?ch=a,b&timeout=S&action=A&id=ID: parks, unless this is the retry, which answers with the argument.
        with _lock:
            _runs[q.get("id", "")] = _runs.get(q.get("id", ""), 0) + 1
        arg = environ.get("HTTP_X_AKKAWSGI_PARK_ARG")
        park = [(q.get("header", "X-AkkaWsgi-Park"), q.get("ch", "a")),
                ("X-AkkaWsgi-Park-Timeout", "%s %s" % (q.get("timeout", "30"), q.get("action", "http-504")))]
        if arg is not None:
            body = "retried arg=%s wsgo=%s body=%s" % (arg, environ.get("HTTP_X_WSGO_PARK_ARG"),
                                                     environ["wsgi.input"].read().decode())
            # Parking again is refused for a retry: this response must reach the client.
            return _reply(start_response, "200 OK", body, park if "again" in q else [])
        return _reply(start_response, "200 OK", "the app's own response", park + [("X-Kept", "yes")])
    if path == "/notify":
        akkawsgi.notify_parked(q.get("ch", "a"), q.get("action", "http-204"), q.get("arg", ""))
        return _reply(start_response, "200 OK", "notified")
    if path == "/notify-list":
        akkawsgi.notify_parked(q.get("ch", "a").split(","), q.get("action", "http-204"), q.get("arg", ""))
        return _reply(start_response, "200 OK", "notified")
    if path == "/runs":
        with _lock:
            return _reply(start_response, "200 OK", str(_runs.get(q.get("id", ""), 0)))
    if path == "/bad":
        calls = {
            "channels": lambda: akkawsgi.notify_parked(42, "retry"),
            "channel": lambda: akkawsgi.notify_parked(["a", 1], "retry"),
            "empty": lambda: akkawsgi.notify_parked(" , ", "retry"),
            "action": lambda: akkawsgi.notify_parked("a", "http-200"),
            "actiontype": lambda: akkawsgi.notify_parked("a", None),
            "arg": lambda: akkawsgi.notify_parked("a", "retry", 5),
            "argnewline": lambda: akkawsgi.notify_parked("a", "retry", "x\ny"),
        }
        try:
            calls[q["case"]]()
            return _reply(start_response, "200 OK", "accepted")
        except Exception as e:
            return _reply(start_response, "200 OK", "%s: %s" % (type(e).__name__, e))
    if path == "/thread":
        # From a thread of the application's own, not a request worker.
        t = threading.Thread(target=akkawsgi.notify_parked, args=(q.get("ch", "a"), "http-204"))
        t.start()
        t.join()
        return _reply(start_response, "200 OK", "notified")
    return _reply(start_response, "404 Not Found", "no such route")
