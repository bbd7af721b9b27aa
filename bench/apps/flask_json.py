"""Flask JSON endpoint for the benchmarks: a small dict through jsonify, as an API view returns."""
from flask import Flask, jsonify

application = Flask(__name__)


@application.route("/")
def index():
    return jsonify(message="Hello, World!", items=[1, 2, 3], ok=True)
