"""The Flask application the ASP.NET Core host serves under /legacy."""
import atexit
import os
import time

import akkawsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/")
def index():
    return "hello from Flask"


@app.route("/where")
def where():
    return f"SCRIPT_NAME={request.environ['SCRIPT_NAME']} PATH_INFO={request.environ['PATH_INFO']} url={request.url}"


@app.route("/greet")
def greet():
    # A service of the ASP.NET Core host, exposed to this application by name.
    return akkawsgi.host_service("greeter").Greet(request.args.get("name", "world"))


@app.route("/not-exposed")
def not_exposed():
    try:
        akkawsgi.host_service("IConfiguration")
    except LookupError as e:
        return str(e)
    return "the host's container leaked"


@app.route("/boom")
def boom():
    raise RuntimeError("the legacy application failed")


@app.route("/slow")
def slow():
    # Short sleeps: the request timeout is raised in the worker between them.
    for _ in range(300):
        time.sleep(0.1)
    return "too late"


@app.route("/news")
def news():
    # A long poll: parked until the host's NewsDesk actor has a headline, then run again with it.
    headline = request.headers.get("X-AkkaWsgi-Park-Arg")
    if headline is not None:
        return f"headline: {headline}"
    return "", 200, {"X-AkkaWsgi-Park": "news", "X-AkkaWsgi-Park-Timeout": "30 http-204"}


@atexit.register
def goodbye():
    marker = os.environ.get("LEGACY_ATEXIT_FILE")
    if marker:
        with open(marker, "w") as f:
            f.write("atexit ran\n")
