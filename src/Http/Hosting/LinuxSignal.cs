namespace AkkaWsgi.Http.Hosting;

/// <summary>Linux numbers of the signals PosixSignal has no name for, as PosixSignalRegistration takes them raw.</summary>
internal static class LinuxSignal
{
    public const int Usr1 = 10;
    public const int Usr2 = 12;
}
