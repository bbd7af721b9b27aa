namespace AkkaWsgi.Http.Hosting;

/// <summary>The process exit statuses, documented in the README.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int PythonUnavailable = 3;
    public const int ApplicationLoadFailed = 4;
    public const int WorkersStuck = 5;
}
