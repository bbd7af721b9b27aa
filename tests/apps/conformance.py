"""A WSGI application whose routes each exercise one part of PEP 3333.

The integration tests drive it over HTTP and compare exact values, so every
route answers with something a test can check byte for byte. Byte strings
travel through JSON as latin-1 decoded text: json.dumps escapes every
character above U+007F, so a test sees exactly which code points the server
put into the environ (a server that decoded PATH_INFO as UTF-8 would show
U+00E9 where PEP 3333 requires U+00C3 U+00A9).

State that one request records and another reads (close() counts, hit
counts) is keyed by a token chosen by the test, because one server process
is shared by many tests.
"""

import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from urllib.parse import parse_qs

_lock = threading.Lock()
_counters = {}
_events = {}
_files = {}
_local = threading.local()


def _bump(kind, token, by=1):
    with _lock:
        key = (kind, token)
        _counters[key] = _counters.get(key, 0) + by
        return _counters[key]


def _count(kind, token):
    with _lock:
        return _counters.get((kind, token), 0)


def _event(token):
    with _lock:
        ev = _events.get(token)
        if ev is None:
            ev = _events[token] = threading.Event()
        return ev


def _query(environ):
    parsed = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    return {k: v[-1] for k, v in parsed.items()}


def _json(start_response, value, status="200 OK"):
    body = json.dumps(value, sort_keys=True).encode("ascii")
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]


def _text(start_response, text, status="200 OK", extra=()):
    body = text.encode("latin-1") if isinstance(text, str) else text
    start_response(status, [("Content-Type", "text/plain"),
                            ("Content-Length", str(len(body)))] + list(extra))
    return [body]


def _pattern(size):
    """Deterministic bytes that make an offset error visible in the output."""
    block = bytes(range(256)) * 64
    out = bytearray()
    while len(out) < size:
        out += block
    return bytes(out[:size])


def _describe(value):
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, tuple):
        return list(value)
    return repr(value)


# --- environ -----------------------------------------------------------------

def environ_echo(environ, start_response):
    wsgi_input = environ["wsgi.input"]
    errors = environ["wsgi.errors"]
    report = {
        "environ": {k: _describe(v) for k, v in environ.items()},
        "types": {k: type(v).__name__ for k, v in environ.items()},
        "input_methods": sorted(m for m in ("read", "readline", "readlines", "__iter__")
                                if callable(getattr(wsgi_input, m, None))),
        "errors_methods": sorted(m for m in ("write", "writelines", "flush")
                                 if callable(getattr(errors, m, None))),
        "file_wrapper_callable": callable(environ.get("wsgi.file_wrapper")),
    }
    return _json(start_response, report)


# --- wsgi.input --------------------------------------------------------------

def _latin1(data):
    return data.decode("latin-1")


def input_route(environ, start_response, how):
    stream = environ["wsgi.input"]
    q = _query(environ)
    token = q.get("token")
    if token:
        _bump("hit", token)
    if how == "read":
        data = stream.read()
        tail = stream.read()
        return _json(start_response, {"body": _latin1(data), "tail": _latin1(tail)})
    if how == "read-none":
        data = stream.read(None)
        return _json(start_response, {"body": _latin1(data)})
    if how == "read-n":
        n = int(q.get("n", "7"))
        sizes, parts = [], []
        while True:
            chunk = stream.read(n)
            if not chunk:
                break
            sizes.append(len(chunk))
            parts.append(chunk)
        tail = stream.read(n)
        return _json(start_response, {"sizes": sizes, "body": _latin1(b"".join(parts)),
                                      "tail": _latin1(tail)})
    if how == "content-length":
        length = int(environ.get("CONTENT_LENGTH") or "0")
        data = stream.read(length)
        tail = stream.read(10)
        return _json(start_response, {"body": _latin1(data), "tail": _latin1(tail)})
    if how == "readline":
        lines = []
        while True:
            line = stream.readline()
            if not line:
                break
            lines.append(_latin1(line))
        tail = stream.readline()
        return _json(start_response, {"lines": lines, "tail": _latin1(tail)})
    if how == "readline-n":
        n = int(q.get("n", "5"))
        lines = []
        while True:
            line = stream.readline(n)
            if not line:
                break
            lines.append(_latin1(line))
        return _json(start_response, {"lines": lines})
    if how == "readlines":
        return _json(start_response, {"lines": [_latin1(l) for l in stream.readlines()]})
    if how == "iter":
        return _json(start_response, {"lines": [_latin1(l) for l in stream]})
    if how == "mixed":
        first = stream.read(3)
        line = stream.readline()
        rest = stream.read()
        return _json(start_response, {"first": _latin1(first), "line": _latin1(line),
                                      "rest": _latin1(rest)})
    if how == "digest":
        digest = hashlib.sha256()
        total = 0
        while True:
            chunk = stream.read(65536)
            if not chunk:
                break
            total += len(chunk)
            digest.update(chunk)
        return _json(start_response, {"length": total, "sha256": digest.hexdigest()})
    if how == "ignore":
        return _text(start_response, "ignored")
    return _text(start_response, "no such input route", "404 Not Found")


# --- start_response ----------------------------------------------------------

BAD_STATUSES = {
    "no-reason": "200",
    "two-digits": "20 Short-Status-Marker",
    "letters": "2x0 Letters-Status-Marker",
    "four-digits": "1000 Big-Status-Marker",
    "below-range": "099 Low-Status-Marker",
    "not-str": b"200 Bytes-Status-Marker",
}

BAD_HEADERS = {
    "space-in-name": [("X-Bad Name", "v")],
    "colon-in-name": [("X-Bad:Colon", "v")],
    "crlf-in-value": [("X-Crlf-Marker", "ok\r\nX-Injected: yes")],
    "lf-in-value": [("X-Lf-Marker", "ok\nX-Injected: yes")],
    "nul-in-value": [("X-Nul-Marker", "ok\x00no")],
    "bytes-name": [(b"X-Bytes-Name-Marker", "v")],
    "bytes-value": [("X-Bytes-Value-Marker", b"v")],
    "non-latin1-value": [("X-Euro-Marker", "\u20ac")],
    "three-tuple": [("X-Triple-Marker", "v", "extra")],
}


def hop_by_hop(environ, start_response):
    """A response with one hop-by-hop header, named and valued by the query, as a proxying view copies them."""
    q = _query(environ)
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Upstream", "1"), (q["name"], q["value"])])
    return [b"sent with a hop-by-hop header"]


def bad_status(environ, start_response, case):
    start_response(BAD_STATUSES[case], [("Content-Type", "text/plain")])
    return [b"bad status was accepted"]


def bad_header(environ, start_response, case):
    start_response("200 OK", [("Content-Type", "text/plain")] + BAD_HEADERS[case])
    return [b"bad header was accepted"]


def headers_tuple(environ, start_response):
    start_response("200 OK", (("Content-Type", "text/plain"),))
    return [b"headers tuple was accepted"]


def custom_reason(environ, start_response):
    return _text(start_response, "custom", "299 Custom Reason Phrase")


def exc_info_before_body(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-First", "1")])
    try:
        raise ValueError("replaced before body")
    except ValueError:
        start_response("503 Replaced", [("Content-Type", "text/plain"),
                                        ("X-Replaced", "yes")], sys.exc_info())
    return [b"replacement body"]


def exc_info_after_body(environ, start_response):
    token = _query(environ)["token"]
    start_response("200 OK", [("Content-Type", "text/plain")])

    def body():
        yield b"partial-body"
        try:
            raise ValueError("exc-info-after-body-marker")
        except ValueError:
            try:
                start_response("500 Too Late", [("Content-Type", "text/plain")],
                               sys.exc_info())
            except ValueError:
                _bump("reraised", token)
                raise
            _bump("swallowed", token)
        yield b"should-never-be-sent"
    return body()


def start_response_twice(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    start_response("201 Created", [("Content-Type", "text/plain")])
    return [b"second start_response was accepted"]


def no_start_response(environ, start_response):
    return [b"never started"]


def empty_then_raise(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])

    def body():
        yield b""
        raise RuntimeError("empty-then-raise-marker")
    return body()


def multi_headers(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2"),
                              ("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/"),
                              ("X-Multi", "one"), ("X-Multi", "two"), ("X-Empty", ""),
                              ("X-Empty-First", ""), ("X-Empty-First", "then")])
    return [b"ok"]


# --- bodies ------------------------------------------------------------------

class CloseCounting:
    """An iterable whose close() is counted per token (PEP 3333: close once)."""

    def __init__(self, token, items, delay=0.0, fail_at=None):
        self.token = token
        self.items = items
        self.delay = delay
        self.fail_at = fail_at

    def __iter__(self):
        for index, item in enumerate(self.items):
            if self.fail_at is not None and index == self.fail_at:
                raise RuntimeError("close-counting-failure-marker")
            if self.delay and index:
                time.sleep(self.delay)
            _bump("produced", self.token)
            yield item

    def close(self):
        _bump("close", self.token)


def close_counted(environ, start_response):
    q = _query(environ)
    token = q["token"]
    count = int(q.get("count", "3"))
    delay = float(q.get("delay", "0"))
    fail_at = int(q["fail_at"]) if "fail_at" in q else None
    start_response("200 OK", [("Content-Type", "text/plain")])
    items = [("item-%d;" % i).encode("ascii") for i in range(count)]
    return CloseCounting(token, items, delay, fail_at)


def big_stream(environ, start_response):
    """count items of size bytes each, counted as produced: shows whether a slow client holds the app back."""
    q = _query(environ)
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return CloseCounting(q["token"], [b"x" * int(q["size"])] * int(q["count"]))


def close_raises(environ, start_response):
    class Body:
        def __iter__(self):
            yield b"body-before-failing-close"

        def close(self):
            raise RuntimeError("close-raises-marker")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "25")])
    return Body()


def stream_until_released(environ, start_response):
    token = _query(environ)["token"]
    start_response("200 OK", [("Content-Type", "text/plain")])

    def body():
        yield b"first-chunk;"
        released = _event(token).wait(10)
        yield b"released;" if released else b"timed-out;"
        yield b"last-chunk"
    return body()


def release(environ, start_response):
    _event(_query(environ)["token"]).set()
    return _text(start_response, "released")


def write_callable(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"written-1;")
    write(b"written-2;")
    return [b"returned-3"]


def write_only(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"only-written")
    return []


def sized(environ, start_response):
    q = _query(environ)
    size = int(q.get("size", "1000"))
    chunk = int(q.get("chunk", "65536"))
    data = _pattern(size)
    headers = [("Content-Type", "application/octet-stream")]
    if q.get("length") == "1":
        headers.append(("Content-Length", str(size)))
    start_response("200 OK", headers)
    chunks = (data[i:i + chunk] for i in range(0, size, chunk))
    return list(chunks) if q.get("kind") == "list" else chunks


def length_mismatch(environ, start_response):
    """Declares Content-Length=declared (and again=N a second time) and produces the parts (sizes, comma-separated)
    as a list, generator or write()."""
    q = _query(environ)
    parts = [b"m" * int(n) for n in q.get("parts", "").split(",") if n]
    again = [("content-length", q["again"])] if "again" in q else []
    write = start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", q["declared"])] + again)
    kind = q.get("kind", "list")
    if kind == "write":
        for part in parts:
            write(part)
        return []
    if kind == "generator":
        return (part for part in parts)
    return parts


def empty(environ, start_response):
    status = _query(environ).get("status", "200 OK")
    start_response(status, [("Content-Type", "text/plain")])
    return []


def head_probe(environ, start_response):
    token = _query(environ).get("token", "")
    body = b"head-probe-body"
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body))),
                              ("X-Method-Seen", environ["REQUEST_METHOD"])])
    return CloseCounting(token, [body])


class CountingFile:
    """A real file that counts read() calls, to see whether Python copied it."""

    def __init__(self, path):
        self._f = open(path, "rb")
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        return self._f.read(*args)

    def fileno(self):
        return self._f.fileno()

    def seek(self, *args):
        return self._f.seek(*args)

    def tell(self):
        return self._f.tell()

    def close(self):
        self._f.close()

    @property
    def closed(self):
        return self._f.closed


class NoFileno:
    """A file-like object without fileno(): the server must fall back to read()."""

    def __init__(self, data):
        self._data = data
        self._pos = 0
        self.closed = False

    def read(self, size=-1):
        if size is None or size < 0:
            size = len(self._data) - self._pos
        chunk = self._data[self._pos:self._pos + size]
        self._pos += len(chunk)
        return chunk

    def close(self):
        self.closed = True


def _data_file(size):
    path = os.path.join(tempfile.gettempdir(), "akkawsgi-conformance-%d-%d.bin" % (os.getpid(), size))
    if not os.path.exists(path):
        with open(path + ".tmp", "wb") as f:
            f.write(_pattern(size))
        os.replace(path + ".tmp", path)
    return path


def file_wrapper(environ, start_response):
    q = _query(environ)
    token = q["token"]
    size = int(q.get("size", "100000"))
    offset = int(q.get("offset", "0"))
    headers = [("Content-Type", "application/octet-stream")]
    if "length" in q:
        headers.append(("Content-Length", q["length"]))
    if q.get("kind") == "nofileno":
        f = NoFileno(_pattern(size)[offset:])
    else:
        f = CountingFile(_data_file(size))
        f.seek(offset)
    with _lock:
        _files[token] = f
    start_response("200 OK", headers)
    return environ["wsgi.file_wrapper"](f, 8192)


def file_state(environ, start_response):
    token = _query(environ)["token"]
    with _lock:
        f = _files.get(token)
    if f is None:
        return _json(start_response, {"known": False})
    return _json(start_response, {"known": True, "closed": bool(f.closed),
                                  "reads": getattr(f, "reads", None)})


# --- errors ------------------------------------------------------------------

def raise_error(environ, start_response):
    raise RuntimeError("raise-route-marker " + _query(environ).get("token", ""))


def raise_in_body(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])

    def body():
        yield b"sent-before-failure;"
        raise RuntimeError("raise-in-body-marker")
    return body()


def raise_before_first_item(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])

    def body():
        raise RuntimeError("raise-before-first-item-marker")
        yield b"unreachable"  # pragma: no cover
    return body()


def non_bytes(environ, start_response, kind):
    start_response("200 OK", [("Content-Type", "text/plain")])
    if kind == "str":
        return ["a str item"]
    if kind == "int":
        return [42]
    if kind == "after-bytes":
        return [b"a bytes item;", 42]
    return [None]


def errors_stream(environ, start_response):
    token = _query(environ)["token"]
    errors = environ["wsgi.errors"]
    errors.write("wsgi-errors-write-%s\n" % token)
    errors.writelines(["wsgi-errors-writelines-%s\n" % token])
    errors.flush()
    return _text(start_response, "logged")


# --- workers, time, bookkeeping ----------------------------------------------

def thread_local(environ, start_response):
    _local.count = getattr(_local, "count", 0) + 1
    return _json(start_response, {"count": _local.count, "thread": threading.get_ident()})


def sleep(environ, start_response):
    seconds = float(_query(environ).get("s", "1"))
    started = time.time()
    time.sleep(seconds)
    return _json(start_response, {"started": started, "finished": time.time(),
                                  "thread": threading.get_ident()})


def hit(environ, start_response):
    _bump("hit", _query(environ)["token"])
    return _text(start_response, "hit")


def counters(environ, start_response):
    token = _query(environ)["token"]
    return _json(start_response, {k: _count(k, token) for k in
                                  ("close", "produced", "hit", "reraised", "swallowed")})


def interpreter(environ, start_response):
    return _json(start_response, {"cwd": os.getcwd(), "path0": sys.path[0], "prefix": sys.prefix,
                                  "version": "%d.%d" % sys.version_info[:2]})


def hello(environ, start_response):
    return _text(start_response, "hello from conformance")


ROUTES = {
    "/": hello,
    "/hit": hit,
    "/counters": counters,
    "/headers-tuple": headers_tuple,
    "/big-stream": big_stream,
    "/custom-reason": custom_reason,
    "/exc-info/before-body": exc_info_before_body,
    "/exc-info/after-body": exc_info_after_body,
    "/start-response-twice": start_response_twice,
    "/no-start-response": no_start_response,
    "/empty-then-raise": empty_then_raise,
    "/multi-headers": multi_headers,
    "/close-counted": close_counted,
    "/close-raises": close_raises,
    "/stream": stream_until_released,
    "/release": release,
    "/write": write_callable,
    "/write-only": write_only,
    "/sized": sized,
    "/empty": empty,
    "/hop-by-hop": hop_by_hop,
    "/length-mismatch": length_mismatch,
    "/head-probe": head_probe,
    "/file-wrapper": file_wrapper,
    "/file-state": file_state,
    "/raise": raise_error,
    "/raise-in-body": raise_in_body,
    "/raise-before-first-item": raise_before_first_item,
    "/errors": errors_stream,
    "/thread-local": thread_local,
    "/sleep": sleep,
    "/interpreter": interpreter,
}


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path.startswith("/environ"):
        return environ_echo(environ, start_response)
    for prefix, handler in (("/input/", input_route), ("/bad-status/", bad_status),
                            ("/bad-header/", bad_header), ("/non-bytes/", non_bytes)):
        if path.startswith(prefix):
            return handler(environ, start_response, path[len(prefix):])
    route = ROUTES.get(path)
    if route is None:
        return _text(start_response, "no route for " + path, "404 Not Found")
    return route(environ, start_response)
