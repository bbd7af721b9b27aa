"""An application that uses .NET through pythonnet's clr module, when the server allows it (--allow-clr)."""


def application(environ, start_response):
    try:
        import clr  # noqa: F401  (what makes .NET namespaces importable)
        from System import Environment, String

        body = "dotnet: %s, %d processors" % (String.Join("-", ["a", "b", "c"]), Environment.ProcessorCount)
    except ImportError as e:
        body = "no dotnet: %s" % e
    data = body.encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(data)))])
    return [data]
