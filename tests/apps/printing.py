"""Prints, at import and in requests, to sys.stdout and sys.stderr, from several threads at once."""
import sys
import threading

print("printed at import")


def _lines(thread):
    for i in range(25):
        print("thread %d line %d of a longer text" % (thread, i))


def application(environ, start_response):
    print("to stdout", "in two parts")
    print("to stderr", file=sys.stderr)
    sys.stdout.buffer.write("bytes, ünïcode\n".encode("utf-8"))
    sys.stdout.write("no newline yet, ")
    sys.stdout.write("then one\n")
    threads = [threading.Thread(target=_lines, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"printed"]
