"""Raises while being imported, so the server must exit with code 4 and show the traceback. With
AKKAWSGI_TEST_THREAD it first starts a non-daemon thread of that name that never ends."""

import os
import threading
import time

if os.environ.get("AKKAWSGI_TEST_THREAD"):
    threading.Thread(target=lambda: time.sleep(3600), name=os.environ["AKKAWSGI_TEST_THREAD"]).start()


def _fail_at_import():
    raise RuntimeError("broken-import-marker: raised while importing broken_import")


_fail_at_import()


def application(environ, start_response):  # pragma: no cover
    start_response("200 OK", [])
    return [b"unreachable"]
