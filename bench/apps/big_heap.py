"""A trivial page in a process that keeps 300,000 small containers alive, as a large application's modules,
models and caches do: what the collector has to go over when it looks at the whole heap."""
KEPT = [{"n": i, "tags": [i]} for i in range(150_000)]


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
