"""Serves a benchmark application with bjoern (one process, one thread): bjoern_serve.py PORT [DIRECTORY MODULE].

Without DIRECTORY and MODULE it serves examples/hello.py.
"""
import importlib
import os
import sys

import bjoern

here = os.path.dirname(os.path.abspath(__file__))
directory, module = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else (os.path.join(here, "..", "..", "examples"), "hello")
os.chdir(directory)
sys.path.insert(0, os.path.abspath(directory))
bjoern.run(importlib.import_module(module).application, "127.0.0.1", int(sys.argv[1]))
