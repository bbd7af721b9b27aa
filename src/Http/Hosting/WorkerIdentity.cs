using AkkaWsgi.Python.Native;

namespace AkkaWsgi.Http.Hosting;

/// <summary>The account --uid and --gid name, resolved once the same way by the supervisor and its workers.</summary>
internal sealed record WorkerIdentity(UserAccount User, uint GroupId)
{
    /// <summary>
    /// Null when --uid was not given; the group is --gid's, else the user's own. Throws InvalidOperationException
    /// naming a user or group the system does not know.
    /// </summary>
    public static WorkerIdentity? Resolve(ServerOptions options)
    {
        if (options.Uid is not { } uid)
        {
            return null;
        }

        var user = Posix.FindUser(uid) ?? throw new InvalidOperationException($"--uid {uid}: no such user");
        var group = options.Gid is { } gid
            ? Posix.FindGroup(gid) ?? throw new InvalidOperationException($"--gid {gid}: no such group")
            : user.GroupId;
        return new WorkerIdentity(user, group);
    }
}
