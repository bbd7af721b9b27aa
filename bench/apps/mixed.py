"""A view that computes, waits 3 ms without the GIL as a database query does, and computes again: a typical page.

Each request runs about 0.4 ms of Python in all (two renders of 200 rows, about 0.2 ms each on the benchmark machine),
so one process can serve at most what one core of Python allows, and needs several workers waiting at once to get
there. MIXED_ROWS and MIXED_WAIT_MS change the rows rendered and the wait, for pages that compute more or wait less.
"""
import json
import os
import time

ROWS = [{"id": i, "name": f"item {i}", "price": i * 1.25, "tags": ["a", "b", "c"]}
        for i in range(int(os.environ.get("MIXED_ROWS", "200")))]
WAIT = float(os.environ.get("MIXED_WAIT_MS", "3")) / 1000


def render(rows):
    return json.dumps([dict(row, total=row["price"] * 3) for row in rows])


def application(environ, start_response):
    render(ROWS)
    time.sleep(WAIT)
    body = render(ROWS).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
