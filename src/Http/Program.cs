using AkkaWsgi.Http.CommandLine;
using AkkaWsgi.Http.Hosting;
using AkkaWsgi.Http.Supervision;

namespace AkkaWsgi.Http;

/// <summary>The <c>akkawsgi</c> executable.</summary>
internal static class Program
{
    // Synchronous on purpose: Python is initialised, and must be finalised, on this very thread.
    private static int Main(string[] args)
    {
        StandardError.WriteWholeRecords();
        SocketThreads.PreferInline();
        var command = new ServerCommand();
        var parse = command.Root.Parse(args);
        if (parse.Action is System.CommandLine.Help.HelpAction or System.CommandLine.Invocation.SynchronousCommandLineAction
            && parse.Errors.Count == 0)
        {
            return parse.Invoke(); // --help, --version
        }

        if (parse.Errors.Count > 0)
        {
            foreach (var error in UsageErrors.Describe(parse, command.Root))
            {
                Console.Error.WriteLine($"akkawsgi: {error}");
            }

            Console.Error.WriteLine("Run 'akkawsgi --help' for the flags and their defaults.");
            return ExitCodes.Usage;
        }

        var options = command.Bind(parse);
        SocketThreads.ShareCores(options.Processes);
        if (WorkerEnvironment.FromProcess() is { } worker)
        {
            return ServerHost.Run(options, worker);
        }

        if (!options.NoSupervisor)
        {
            return SupervisorHost.Run(options, args);
        }

        return PythonFromChoice.BecomeExecutableIfChosen(options, args) ?? ServerHost.Run(options, null);
    }
}
