"""``akkawsgi ...`` and ``python -m akkawsgi ...``: the server, on the Python (and virtualenv) this runs in."""

import os
import sys


def _names_python(args):
    for arg in args:
        if arg in ("--python", "--venv") or arg.startswith(("--python=", "--venv=")):
            return True
    return False


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    here = os.path.dirname(os.path.abspath(__file__))
    server = os.path.join(here, "bin", "akkawsgi")
    if not os.access(server, os.X_OK):
        sys.exit("akkawsgi: %s is missing or not executable; reinstall the package" % server)

    if not _names_python(args) and "--version" not in args:  # --version stands alone
        # The interpreter pip installed this package for is the one whose packages the application needs (a venv's
        # own, usually); the server would otherwise take the first python3 on PATH.
        args = ["--python", sys.executable] + args

    # Replaced rather than run as a child: signals from a terminal, systemd or a container runtime reach the server,
    # and no Python process stays behind it.
    os.execv(server, [server] + args)


if __name__ == "__main__":
    main()
