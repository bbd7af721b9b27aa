using System.Runtime.InteropServices;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// Takes SIGUSR1, SIGUSR2 and SIGHUP while the server starts, until its own handlers (the reports, the hangup) are
/// there: their default action ends the process, and a monitor's SIGUSR2, an operator's SIGUSR1 or a terminal's
/// hangup during a slow import must not.
/// </summary>
internal sealed class StartingSignals : IDisposable
{
    private readonly PosixSignalRegistration[] registrations =
    [
        PosixSignalRegistration.Create((PosixSignal)LinuxSignal.Usr1, Ignore),
        PosixSignalRegistration.Create((PosixSignal)LinuxSignal.Usr2, Ignore),
        PosixSignalRegistration.Create(PosixSignal.SIGHUP, Ignore),
    ];

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }

    private static void Ignore(PosixSignalContext context) => context.Cancel = true;
}
