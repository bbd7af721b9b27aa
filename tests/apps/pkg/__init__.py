"""A package, so that the server is tested with a dotted --module name."""


def application(environ, start_response):
    body = b"pkg package application"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
