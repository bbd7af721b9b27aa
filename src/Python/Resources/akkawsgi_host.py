"""Runs an akkawsgi worker inside this Python process: python -c <run this> HOSTFXR ASSEMBLY [ARGUMENT ...].

The server is started through the .NET host (HOSTFXR, the libhostfxr.so the supervisor itself runs on) with ASSEMBLY
and the worker's arguments, and finds the interpreter already running: the application runs on the interpreter code
of this executable, which a distribution may link and optimise differently from its libpython (Debian's runs Flask and
Django 10-20 % faster). The call into the host releases the GIL, so the server's threads take it as in any embedding;
this thread stays in that call until the server stops, and the process ends with the server's exit code, without a
second finalisation (the server has already run the application's exit handlers).
"""
import ctypes
import faulthandler
import os
import signal
import sys

PYTHON_UNAVAILABLE = 3  # the server's exit code for a Python it cannot use: the supervisor does not start it again


def fail(message):
    sys.stderr.write("akkawsgi: cannot start the server in %s: %s\n" % (sys.executable, message))
    sys.stderr.flush()
    os._exit(PYTHON_UNAVAILABLE)


def main():
    if len(sys.argv) < 3:
        fail("usage: python -c <run this script> HOSTFXR ASSEMBLY [ARGUMENT ...]")
    # "-c" put the working directory first on sys.path; the server puts the application's directory there itself.
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    hostfxr_path, assembly = sys.argv[1], sys.argv[2]
    # SIGINT and SIGTERM belong to the server, which stops gracefully on them; Python's SIGINT handler would only set a
    # flag that this thread, inside the host, never reads.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # A crash in C code (an extension's bug) then prints the Python stack of the thread that crashed, which names the
    # application's code that called it. Only here, before the runtime starts: the runtime's own handler, installed
    # after, takes the faults of its managed code and passes the others on to this one, whereas a handler installed
    # after the runtime's would take those faults first and end the process on them.
    faulthandler.enable(all_threads=False)
    # The server attaches to this interpreter only in the process named here (PythonExecutableHost.ProcessVariable),
    # never in a child the application starts.
    os.environ["AKKAWSGI_PYTHON_HOST_PID"] = str(os.getpid())
    try:
        hostfxr = ctypes.CDLL(hostfxr_path)
    except OSError as e:
        fail("cannot load the .NET host %s: %s" % (hostfxr_path, e))
    arguments = [assembly] + sys.argv[3:]
    argv = (ctypes.c_char_p * len(arguments))(*[os.fsencode(a) for a in arguments])
    handle = ctypes.c_void_p()
    initialize = hostfxr.hostfxr_initialize_for_dotnet_command_line
    initialize.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p), ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    initialize.restype = ctypes.c_int32
    status = initialize(len(arguments), argv, None, ctypes.byref(handle))
    if status != 0:
        fail("the .NET host could not load %s (status 0x%08x)" % (assembly, status & 0xFFFFFFFF))
    hostfxr.hostfxr_run_app.argtypes = [ctypes.c_void_p]
    hostfxr.hostfxr_run_app.restype = ctypes.c_int32
    code = hostfxr.hostfxr_run_app(handle)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code & 0xFF)


main()
