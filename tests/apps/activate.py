"""Starts a command the way systemd socket activation does: a bound, listening socket as fd 3, LISTEN_FDS=1 and
LISTEN_PID set to the command's own pid. Prints the socket's port first. Usage: activate.py COMMAND ARGS..."""
import os
import socket
import sys

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(128)
print("port %d" % listener.getsockname()[1], flush=True)
pid = os.fork()
if pid == 0:
    if listener.fileno() != 3:
        os.dup2(listener.fileno(), 3)
    # Python's sockets are close-on-exec, and dup2 onto the same number would keep that flag.
    os.set_inheritable(3, True)
    os.environ["LISTEN_FDS"] = "1"
    os.environ["LISTEN_PID"] = str(os.getpid())
    os.execvp(sys.argv[1], sys.argv[1:])
listener.close()
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)
