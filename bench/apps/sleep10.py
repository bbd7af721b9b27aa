"""An application that waits 10 ms per request without the GIL, as one waiting on a database or an API does."""
import time


def application(environ, start_response):
    time.sleep(0.01)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"slept"]
