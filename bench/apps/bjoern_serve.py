"""Serves examples/hello.py with bjoern (one process, one thread), for bench/run.sh: bjoern_serve.py PORT."""
import os
import sys

import bjoern

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples"))
from hello import application  # noqa: E402

bjoern.run(application, "127.0.0.1", int(sys.argv[1]))
