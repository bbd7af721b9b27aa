"""Server side of the WSGI bridge: wsgi.errors, wsgi.file_wrapper and interpreter set-up.

This module is loaded by the server into its embedded interpreter; applications never import it.
"""
import io
import os
import stat
import sys
import threading

# The longest timer interval: longer ones are dates, which cron names, and past some thousands of years a number of
# seconds no longer fits the server's clock.
_TIMER_MAX_SECONDS = 365 * 24 * 3600
# The most days each month can have (29 for February: a cron for the 29th runs in leap years).
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class ErrorStream:
    """wsgi.errors: text written here goes to the server log, one record per line (PEP 3333)."""

    _WRITE = "wsgi.errors.write()"

    def __init__(self, log):
        self._log = log
        self._partial = ""

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("%s argument must be str, not %s" % (self._WRITE, type(text).__name__))
        pending = self._partial + text
        lines = pending.split("\n")
        self._partial = lines.pop()
        for line in lines:
            self._log(line)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        if self._partial:
            line, self._partial = self._partial, ""
            self._log(line)

    def writable(self):
        return True

    def readable(self):
        return False

    def isatty(self):
        return False

    closed = False


class CapturedStream(ErrorStream):
    """sys.stdout or sys.stderr under --log-format json: each line the application prints becomes one log record, so
    that the log stays one JSON object per line. A line is gathered per thread, so threads printing at once do not
    splice their halves together; fileno() is the real stream's, for code that hands it to a child process."""

    _WRITE = "write()"

    def __init__(self, log, original):
        self._local = threading.local()
        super().__init__(log)
        self._original = original
        self.encoding = "utf-8"
        self.errors = "replace"
        self.buffer = _CapturedBytes(self)

    @property
    def _partial(self):
        return getattr(self._local, "partial", "")

    @_partial.setter
    def _partial(self, value):
        self._local.partial = value

    def fileno(self):
        return self._original.fileno()


class _CapturedBytes:
    """The .buffer of a CapturedStream, for code that writes bytes to sys.stdout.buffer."""

    def __init__(self, text):
        self._text = text

    def write(self, data):
        self._text.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def flush(self):
        self._text.flush()


def capture_standard_streams(stdout_log, stderr_log):
    """Sends what the application prints to the server's log, a record per line (see CapturedStream)."""
    sys.stdout = CapturedStream(stdout_log, sys.stdout)
    sys.stderr = CapturedStream(stderr_log, sys.stderr)


class FileWrapper:
    """wsgi.file_wrapper: the server sends regular files itself, without copying them through Python."""

    def __init__(self, filelike, blksize=8192):
        self.filelike = filelike
        self.blksize = blksize

    def __iter__(self):
        return self

    def __next__(self):
        data = self.filelike.read(self.blksize)
        if data:
            return data
        raise StopIteration

    def close(self):
        close = getattr(self.filelike, "close", None)
        if close is not None:
            close()

    def _sendfile_params(self):
        """(fd, offset, size) when the file can be sent by the server, else None (then it is iterated)."""
        try:
            fd = self.filelike.fileno()
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            return None
        try:
            offset = self.filelike.tell()
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            offset = 0
        return fd, offset, os.fstat(fd).st_size


def install_public_module(version):
    """The `akkawsgi` module applications import (RequestTimeout; the rest of its API comes with later features)."""
    import types

    module = types.ModuleType("akkawsgi", "Services of the akkawsgi server to the application it runs.")

    class RequestTimeout(BaseException):
        """Raised in a request that ran past --request-timeout.

        A BaseException, like KeyboardInterrupt, so that `except Exception:` in application code does not swallow
        it and carry on with a request the server has already given up on.
        """

    RequestTimeout.__module__ = "akkawsgi"
    RequestTimeout.__qualname__ = "RequestTimeout"
    module.RequestTimeout = RequestTimeout
    module.__version__ = version

    # What a parked request does when notified or timed out (the X-AkkaWsgi-Park-Timeout header's words).
    module.RETRY = "retry"
    module.DISCONNECT = "disconnect"
    module.HTTP_204 = "http-204"
    module.HTTP_504 = "http-504"

    jobs = []
    module._jobs = jobs

    def _field(name, value, low, high):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("cron() %s must be an int, not %s" % (name, type(value).__name__))
        if value != -1 and not low <= value <= high:
            raise ValueError("cron() %s must be -1 (any) or between %d and %d, not %d" % (name, low, high, value))
        return value

    def cron(minute, hour, day, month, weekday):
        """Run the decorated function at every minute matching all fields (-1: any; weekday 0 = Sunday)."""
        spec = (_field("minute", minute, 0, 59), _field("hour", hour, 0, 23), _field("day", day, 1, 31),
                _field("month", month, 1, 12), _field("weekday", weekday, 0, 6))
        # A job for 31 April would be accepted and then never run; say so where the date is written.
        if month != -1 and day > _DAYS_IN_MONTH[month - 1]:
            raise ValueError("cron() day %d never comes in month %d, which has at most %d days"
                             % (day, month, _DAYS_IN_MONTH[month - 1]))

        def register(function):
            if not callable(function):
                raise TypeError("@akkawsgi.cron(...) must decorate a function")
            jobs.append(("cron", spec, function))
            return function

        return register

    def timer(seconds):
        """Run the decorated function every `seconds` seconds."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError("timer() seconds must be a number, not %s" % type(seconds).__name__)
        if not seconds > 0 or seconds != seconds or seconds == float("inf"):
            raise ValueError("timer() seconds must be a positive, finite number, not %r" % (seconds,))
        if seconds > _TIMER_MAX_SECONDS:
            raise ValueError("timer() seconds must be at most %d (a year), not %r; @akkawsgi.cron names days and months"
                             % (_TIMER_MAX_SECONDS, seconds))

        def register(function):
            if not callable(function):
                raise TypeError("@akkawsgi.timer(...) must decorate a function")
            jobs.append(("timer", (float(seconds),), function))
            return function

        return register

    module.cron = cron
    module.timer = timer

    actions = (module.RETRY, module.DISCONNECT, module.HTTP_204, module.HTTP_504)
    # The server sets this to its .NET notifier once the application is loaded; until then nothing can be parked.
    module._notify_parked = None

    def notify_parked(channels, action, arg=""):
        """Wake every request parked on any of `channels` (a comma-separated str or a list of str) with `action`."""
        if isinstance(channels, str):
            names = channels.split(",")
        elif isinstance(channels, (list, tuple)):
            names = []
            for name in channels:
                if not isinstance(name, str):
                    raise TypeError("notify_parked() channel names must be str, not %s" % type(name).__name__)
                if "," in name:
                    raise ValueError("notify_parked() channel name %r contains a comma" % (name,))
                names.append(name)
        else:
            raise TypeError("notify_parked() channels must be a str or a list of str, not %s" % type(channels).__name__)
        names = [name.strip() for name in names if name.strip()]
        if not names:
            raise ValueError("notify_parked() needs at least one channel name")
        if not isinstance(action, str):
            raise TypeError("notify_parked() action must be a str, not %s" % type(action).__name__)
        if action not in actions:
            raise ValueError("notify_parked() action must be one of %s, not %r" % (", ".join(actions), action))
        if not isinstance(arg, str):
            raise TypeError("notify_parked() arg must be a str, not %s" % type(arg).__name__)
        # The argument travels as a request header of the retried request.
        if any(c in arg for c in "\r\n\0") or any(ord(c) > 255 for c in arg):
            raise ValueError("notify_parked() arg must be a header value: latin-1, without CR, LF or NUL")
        notifier = module._notify_parked
        if notifier is not None:
            notifier(",".join(names), action, arg)

    module.notify_parked = notify_parked

    # The server sets this to its .NET function once the application is loaded.
    module._host_service = None

    def host_service(name):
        """The .NET service the host exposes to this application under `name` (AkkaWsgiOptions.ExposeService)."""
        if not isinstance(name, str):
            raise TypeError("host_service() name must be a str, not %s" % type(name).__name__)
        lookup = module._host_service
        service = lookup(name) if lookup is not None else None
        if service is None:
            raise LookupError("akkawsgi.host_service(%r): the host exposes no service by that name "
                              "(a host exposes services with AkkaWsgiOptions.ExposeService)" % (name,))
        return service

    module.host_service = host_service

    # Named as the module's own, so that a wrong call reads "cron() missing 1 required positional argument", not
    # "install_public_module.<locals>.cron() ...", and help() shows akkawsgi.cron.
    for function in (cron, timer, notify_parked, host_service):
        function.__module__ = "akkawsgi"
        function.__qualname__ = function.__name__
    sys.modules["akkawsgi"] = module

    # Applications written for wsgo import `wsgo`; unless a real one is installed, they get this module.
    import importlib.util

    if importlib.util.find_spec("wsgo") is None:
        sys.modules["wsgo"] = module
    return module


def release_logging_locks():
    """After a request was interrupted, free the logging locks this thread may still hold.

    An exception raised asynchronously between a lock's acquire() and the try that releases it leaves the lock held
    by this thread forever; every other thread that logs would then block. The locks are reentrant, so this thread
    still owns them and can release them.
    """
    logging = sys.modules.get("logging")
    if logging is None:
        return 0
    locks = [getattr(logging, "_lock", None)]
    for ref in list(getattr(logging, "_handlerList", ())):
        handler = ref()
        if handler is not None:
            locks.append(getattr(handler, "lock", None))
    released = 0
    for lock in locks:
        is_owned = getattr(lock, "_is_owned", None)
        while is_owned is not None and is_owned():
            lock.release()
            released += 1
    return released


def format_stacks(idents):
    """The current Python stack of each given thread, as traceback prints it (for SIGUSR1)."""
    import traceback

    frames = sys._current_frames()
    return {ident: "".join(traceback.format_stack(frames[ident])) for ident in idents if ident in frames}


def object_count():
    """Objects the garbage collector tracks (for SIGUSR2): a leak shows as a number that only grows."""
    import gc

    return len(gc.get_objects())


def configure(argv0, executable, venv, path0):
    """Makes the embedded interpreter look like `python` started for the app: argv, executable, venv, sys.path."""
    sys.argv = [argv0]
    if executable:
        sys.executable = executable
    if venv and os.path.realpath(sys.prefix) != os.path.realpath(venv):
        # (A venv's own executable, running the server, has set it up already.)
        _use_venv(venv)
    if path0 is not None:
        sys.path.insert(0, path0)


def forget_removed_variables(prefix):
    """Drops from os.environ the variables named PREFIX... that are no longer in the process's environment.

    An executable that runs the server made os.environ when it started, before the server removed its own variables
    from the environment; the application should not see them there either.
    """
    import ctypes

    getenv = ctypes.CDLL(None).getenv
    getenv.argtypes = [ctypes.c_char_p]
    getenv.restype = ctypes.c_char_p
    for name in [n for n in os.environ if n.startswith(prefix)]:
        if getenv(os.fsencode(name)) is None:
            del os.environ[name]


def _use_venv(venv):
    import site

    include_system = False
    try:
        with open(os.path.join(venv, "pyvenv.cfg")) as cfg:
            for line in cfg:
                key, _, value = line.partition("=")
                if key.strip() == "include-system-site-packages":
                    include_system = value.strip().lower() == "true"
    except OSError:
        pass
    if not include_system:
        # A venv hides the base interpreter's site-packages (and Debian's dist-packages) unless it asks for them.
        base = set(site.getsitepackages()) | {site.getusersitepackages()}
        sys.path[:] = [p for p in sys.path if p not in base and not p.endswith(("site-packages", "dist-packages"))]
    sys.prefix = sys.exec_prefix = venv
    for directory in site.getsitepackages([venv]):
        if os.path.isdir(directory):
            site.addsitedir(directory)


_hidden_clr = None


def disable_clr(message, runtime_dir):
    """Takes pythonnet's `clr` away from the application: `import clr` and .NET namespace imports raise ImportError.

    pythonnet's finder for .NET namespaces does nothing while `clr` is not in sys.modules, so hiding the module turns
    both off; the module is kept to be put back before pythonnet shuts down (restore_clr).
    """
    global _hidden_clr
    _hidden_clr = sys.modules.pop("clr", None)

    class ClrRefused:
        @classmethod
        def find_spec(cls, fullname, path=None, target=None):
            if fullname == "clr" or fullname.startswith("clr."):
                raise ImportError(message, name=fullname)
            return None

    sys.meta_path.insert(0, ClrRefused)
    # pythonnet puts the .NET runtime's directory on sys.path for assemblies; without clr it is of no use.
    sys.path[:] = [p for p in sys.path if p != runtime_dir]


def restore_clr():
    global _hidden_clr
    if _hidden_clr is not None:
        sys.modules["clr"] = _hidden_clr
        _hidden_clr = None
    sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, "__name__", "") != "ClrRefused"]


def _application_threads():
    import threading

    current = threading.current_thread()
    return [t for t in threading.enumerate()
            if t is not current and t is not threading.main_thread() and not t.daemon and t.is_alive()]


def application_threads():
    """The names of the non-daemon threads the application started that still run, joined by ", " ("" if none)."""
    return ", ".join(t.name for t in _application_threads())


def join_application_threads(timeout):
    """Waits up to timeout seconds in all for the application's non-daemon threads to end; returns the names of those
    that did not, as application_threads() does."""
    import time

    deadline = time.monotonic() + timeout
    for thread in _application_threads():
        thread.join(max(0.0, deadline - time.monotonic()))
    return application_threads()


def run_exit_handlers(threads_ended):
    """What Py_FinalizeEx would do for the application, which the embedding does not call: finish the threading
    module's shutdown (only once the application's non-daemon threads have ended, or it would wait for them for ever),
    then run its atexit handlers."""
    import atexit
    import threading

    if threads_ended:
        threading._shutdown()
    atexit._run_exitfuncs()


def freeze_for_exit():
    """Collects once, for the garbage whose finalisers still have to run, then leaves every object out of later
    collections: the embedding's own shutdown that follows runs the collector some eighty times over the whole heap
    (a second or more for a large application), when nothing will run Python in this process again."""
    import gc

    gc.collect()
    gc.freeze()


def gil_enabled():
    """False on a free-threaded build running without the GIL (3.13 and later)."""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())
