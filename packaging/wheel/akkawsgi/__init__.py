"""The akkawsgi application server, installed with pip: run ``akkawsgi --module app`` or ``python -m akkawsgi``.

Inside the server, ``import akkawsgi`` gives the server's own module (notify_parked, cron, timer, RequestTimeout,
...), which the server puts in place before the application loads; this package only starts the server.
"""

import os

__all__ = ["executable", "main"]


def executable():
    """The server executable that came with this package."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "akkawsgi")


def main(argv=None):
    """Replaces this process with the server, embedding the Python that runs this function."""
    from akkawsgi.__main__ import main as run

    run(argv)


def __getattr__(name):
    # An application that imports akkawsgi's services outside the server (a test, a shell) gets a sentence, not a bare
    # AttributeError.
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        "akkawsgi.%s is provided by the akkawsgi server to the application it runs; "
        "this process is not running under it" % name)
