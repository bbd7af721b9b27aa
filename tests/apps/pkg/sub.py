"""`--module pkg.sub` serves `application`; `--module pkg.sub:other` serves `other`."""


def _reply(start_response, body):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    return _reply(start_response, b"pkg.sub application")


def other(environ, start_response):
    return _reply(start_response, b"pkg.sub other")


not_callable = "a module attribute that is not callable"
