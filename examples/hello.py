"""The smallest WSGI application: akkawsgi --module hello --chdir examples"""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "13")])
    return [b"Hello, world!"]
