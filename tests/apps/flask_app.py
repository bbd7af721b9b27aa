"""A small but real Flask site: a Jinja page, a form guarded by a session CSRF token,
a JSON API and a file upload. flask-wtf is not available, so the CSRF check is written here
the way it does it: a random token in the signed session cookie, echoed in a hidden field."""

import hashlib
import hmac
import os
import secrets

from flask import Flask, abort, jsonify, render_template, request, session

app = Flask(__name__, template_folder=os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates"))
app.secret_key = "akkawsgi-test-secret-not-for-production"


def _csrf_token():
    token = session.get("csrf_token")
    if token is None:
        token = session["csrf_token"] = secrets.token_hex(16)
    return token


@app.route("/")
def index():
    items = ["alpha", "beta", "gamma"]
    return render_template("index.html", title="Flask on akkawsgi", items=items,
                           csrf_token=_csrf_token())


@app.route("/submit", methods=["POST"])
def submit():
    expected = session.get("csrf_token")
    sent = request.form.get("csrf_token", "")
    if not expected or not hmac.compare_digest(expected, sent):
        abort(403)
    return render_template("thanks.html", name=request.form.get("name", ""))


@app.route("/api/where")
def where():
    return jsonify(scheme=request.scheme, url=request.url, secure=request.is_secure)


@app.route("/api/echo", methods=["POST"])
def api_echo():
    data = request.get_json(force=True)
    numbers = data.get("numbers", [])
    return jsonify(received=data, total=sum(numbers), server="flask")


@app.route("/upload", methods=["POST"])
def upload():
    uploaded = request.files["file"]
    content = uploaded.read()
    return jsonify(filename=uploaded.filename, size=len(content),
                   sha256=hashlib.sha256(content).hexdigest(),
                   description=request.form.get("description", ""))


application = app
