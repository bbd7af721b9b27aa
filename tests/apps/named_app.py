"""A module whose WSGI callable is called `app`, as Flask's tutorials name it, for the start-up error hints."""


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"app"]
