using System.Runtime.InteropServices;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// Takes SIGUSR1, SIGUSR2 and SIGHUP while the server starts, until its own handlers (the reports, the hangup) are
/// there: their default action ends the process, and a monitor's SIGUSR2, an operator's SIGUSR1 or a terminal's
/// hangup during a slow import must not.
/// </summary>
internal sealed class StartingSignals : IDisposable
{
    // Linux signal numbers; PosixSignal takes raw numbers for the signals it has no name for.
    private const int SigUsr1 = 10;
    private const int SigUsr2 = 12;

    private readonly PosixSignalRegistration[] registrations =
    [
        PosixSignalRegistration.Create((PosixSignal)SigUsr1, Ignore),
        PosixSignalRegistration.Create((PosixSignal)SigUsr2, Ignore),
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
