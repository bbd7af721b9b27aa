"""Says where this worker's Python code comes from: the executable the process is, and whether a libpython is loaded."""

import os
import sys


def application(environ, start_response):
    with open("/proc/self/maps") as maps:
        libpython = any("/libpython" in line for line in maps)
    body = (
        f"exe={os.readlink('/proc/self/exe')}\n"
        f"libpython={libpython}\n"
        f"executable={sys.executable}\n"
        f"host_variable={any(name.startswith('AKKAWSGI_') for name in os.environ)}\n"
        f"path0={sys.path[0]}\n"
        f"main_names={','.join(sorted(n for n in vars(sys.modules['__main__']) if not n.startswith('__')))}\n"
    ).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
