"""Raises while being imported, so the server must exit with code 4 and show the traceback."""


def _fail_at_import():
    raise RuntimeError("broken-import-marker: raised while importing broken_import")


_fail_at_import()


def application(environ, start_response):  # pragma: no cover
    start_response("200 OK", [])
    return [b"unreachable"]
