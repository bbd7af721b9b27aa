"""Fails to compile, so importing it must stop the server with exit code 4."""


def application(environ, start_response)
    start_response("200 OK", [])
    return [b"unreachable"]
