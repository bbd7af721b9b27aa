using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AkkaWsgi.Python.Native;

/// <summary>An account from the system's user database (getpwnam/getpwuid, so NSS sources count).</summary>
public sealed record UserAccount(string? Name, uint UserId, uint GroupId);

/// <summary>The POSIX process calls the supervisor needs that .NET does not expose: inheritance, signals, users, privileges.</summary>
public static unsafe partial class Posix
{
    // <fcntl.h> and <errno.h> values, the same on Linux x86-64 and arm64.
    private const int FGetFd = 1;
    private const int FSetFd = 2;
    private const int FdCloExec = 1;
    private const int FDupFdCloExec = 1030;
    private const int ORdOnlyCloExec = 0x80000; // O_RDONLY | O_CLOEXEC
    private const int StandardInput = 0;
    private const int EPerm = 1;
    private const int ENoEnt = 2;
    private const int ESrch = 3;
    private const int EBadF = 9;
    private const int ERange = 34;

    // Plenty for ordinary entries; ERANGE doubles it, up to a cap so a misbehaving NSS module cannot eat memory.
    private const int InitialLookupBuffer = 1024;
    private const int MaximumLookupBuffer = 1 << 20;

    // fcntl is variadic in C. On x86-64 and arm64 Linux a variadic int is passed exactly like a fixed one, so a
    // three-int signature is a faithful call for F_GETFD/F_SETFD.
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int descriptor, int command, int argument);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int descriptor, int target);

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ExecVe(string path, nint* argv, nint* envp);

    [LibraryImport("libc", EntryPoint = "unsetenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetEnv(string name);

    // statx, unlike stat, has one layout on every architecture.
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int directory, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void ExitNow(int status);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int processId, int signal);

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint userId, uint groupId);

    [LibraryImport("libc", EntryPoint = "initgroups", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int InitGroups(string user, uint groupId);

    [LibraryImport("libc", EntryPoint = "setgroups", SetLastError = true)]
    private static partial int SetGroups(nuint count, uint* groups);

    [LibraryImport("libc", EntryPoint = "setgid", SetLastError = true)]
    private static partial int SetGid(uint groupId);

    [LibraryImport("libc", EntryPoint = "setuid", SetLastError = true)]
    private static partial int SetUid(uint userId);

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEUid();

    [LibraryImport("libc", EntryPoint = "getgid")]
    private static partial uint GetGid();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEGid();

    // The reentrant _r lookups return the error number instead of setting errno, so no SetLastError. They are used
    // rather than getpwnam & co because those share one static result with every other thread of the process
    // (CPython's pwd module included); with _r the strings live in our own buffer and are copied out before it goes.
    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetPwNamR(string name, Passwd* entry, byte* buffer, nuint length, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static partial int GetPwUidR(uint userId, Passwd* entry, byte* buffer, nuint length, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetGrNamR(string name, Group* entry, byte* buffer, nuint length, Group** result);

    /// <summary>The effective user id of this process (geteuid).</summary>
    public static uint EffectiveUserId => GetEUid();

    /// <summary>
    /// Ends the process at once with <paramref name="status"/>, running no exit handlers: for when a thread is still
    /// inside Python and a handler that takes the GIL (pythonnet's own, on process exit) would wait for it for ever.
    /// </summary>
    public static void ExitImmediately(int status) => ExitNow(status);

    /// <summary>
    /// Clears or sets FD_CLOEXEC so the descriptor does (or does not) survive exec into a child process; .NET opens
    /// everything close-on-exec.
    /// </summary>
    /// <exception cref="IOException">fcntl failed; the message names the descriptor and the errno text.</exception>
    public static void SetInheritable(int descriptor, bool inheritable)
    {
        var flags = GetDescriptorFlags(descriptor);
        var wanted = inheritable ? flags & ~FdCloExec : flags | FdCloExec;
        if (wanted != flags && Fcntl(descriptor, FSetFd, wanted) == -1)
        {
            throw DescriptorError(descriptor, "F_SETFD", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>
    /// Moves what standard input is to a new close-on-exec descriptor, which is returned, and puts /dev/null in its
    /// place, so that whatever later reads standard input (or a child process that inherits it) finds it empty.
    /// </summary>
    /// <exception cref="IOException">A call failed; the message names it and the errno text.</exception>
    public static SafeFileHandle MoveStandardInput()
    {
        var moved = Duplicate(StandardInput);
        var emptyFd = Open("/dev/null", ORdOnlyCloExec);
        if (emptyFd == -1)
        {
            var errno = Marshal.GetLastPInvokeError();
            moved.Dispose();
            throw new IOException($"open(/dev/null) failed: {ErrorText(errno)}");
        }

        using var empty = new SafeFileHandle(emptyFd, ownsHandle: true);
        // dup2 leaves the new descriptor 0 inheritable, as standard input should be.
        if (Dup2(emptyFd, StandardInput) == -1)
        {
            var errno = Marshal.GetLastPInvokeError();
            moved.Dispose();
            throw new IOException($"dup2(/dev/null, 0) failed: {ErrorText(errno)}");
        }

        return moved;
    }

    /// <summary>
    /// A new close-on-exec descriptor for what <paramref name="descriptor"/> refers to, owned by the handle returned: it
    /// stays valid after the original is closed.
    /// </summary>
    /// <exception cref="IOException">fcntl failed (no descriptors left, a closed one); the message names it.</exception>
    public static SafeFileHandle Duplicate(int descriptor)
    {
        var copy = Fcntl(descriptor, FDupFdCloExec, 3);
        if (copy == -1)
        {
            throw DescriptorError(descriptor, "F_DUPFD_CLOEXEC", Marshal.GetLastPInvokeError());
        }

        return new SafeFileHandle(copy, ownsHandle: true);
    }

    /// <summary>
    /// Removes a variable from the process's native environment as well as from .NET's copy. On Unix,
    /// Environment.SetEnvironmentVariable changes only .NET's copy, while an embedded Python's os.environ, and the
    /// processes it starts, read the native one. Call it before Python starts and before other threads read the
    /// environment (unsetenv is not thread-safe against getenv).
    /// </summary>
    public static void RemoveEnvironmentVariable(string name)
    {
        Environment.SetEnvironmentVariable(name, null);
        if (UnsetEnv(name) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new InvalidOperationException($"unsetenv({name}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }

    /// <summary>
    /// Replaces this process's program with <paramref name="path"/> (execve): the same process id, with the descriptors
    /// that are not close-on-exec. Returns only when that failed, with the reason.
    /// </summary>
    /// <param name="arguments">argv, including argv[0].</param>
    /// <param name="environment">The whole environment of the new program (null values are left out).</param>
    public static string Exec(string path, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        var strings = new List<nint>();
        var arrays = new List<nint>();
        try
        {
            nint* Terminated(IEnumerable<string> values)
            {
                var list = values.Select(Marshal.StringToCoTaskMemUTF8).ToList();
                strings.AddRange(list);
                var array = (nint*)NativeMemory.AllocZeroed((nuint)(list.Count + 1), (nuint)sizeof(nint));
                arrays.Add((nint)array);
                for (var i = 0; i < list.Count; i++)
                {
                    array[i] = list[i];
                }

                return array;
            }

            var argv = Terminated(arguments);
            var envp = Terminated(environment.Where(e => e.Value is not null).Select(e => $"{e.Key}={e.Value}"));
            ExecVe(path, argv, envp);
            var errno = Marshal.GetLastPInvokeError();
            return $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        }
        finally
        {
            // Only reached when exec failed.
            strings.ForEach(Marshal.FreeCoTaskMem);
            arrays.ForEach(a => NativeMemory.Free((void*)a));
        }
    }

    /// <summary>True when <paramref name="path"/> itself (a final symbolic link not followed) is a unix socket.</summary>
    public static bool IsSocket(string path) => FileTypeOf(path) == SocketType;

    /// <summary>
    /// True when <paramref name="path"/> itself (a final symbolic link not followed) is a regular file: not a
    /// directory, link, FIFO, socket or device, any of which a plain open can block on or read without end.
    /// </summary>
    public static bool IsRegularFile(string path) => FileTypeOf(path) == RegularType;

    private const int SocketType = 0xC000; // S_IFSOCK
    private const int RegularType = 0x8000; // S_IFREG

    // The S_IFMT bits of the path's mode, or -1 when it cannot be examined. statx has one layout on every architecture.
    private static int FileTypeOf(string path)
    {
        const int AtFdCwd = -100;
        const int AtSymlinkNoFollow = 0x100;
        const uint StatxType = 1;
        const int StatxSize = 256;
        const int ModeOffset = 28; // struct statx: stx_mode, a __u16
        const int FileTypeMask = 0xF000; // S_IFMT
        var buffer = stackalloc byte[StatxSize];
        return StatX(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0 ? -1 : *(ushort*)(buffer + ModeOffset) & FileTypeMask;
    }

    /// <summary>Whether the descriptor survives exec, that is whether FD_CLOEXEC is clear.</summary>
    /// <exception cref="IOException">fcntl failed; the message names the descriptor and the errno text.</exception>
    public static bool IsInheritable(int descriptor) => (GetDescriptorFlags(descriptor) & FdCloExec) == 0;

    /// <summary>
    /// Sends <paramref name="signal"/> (0 only probes) to one process with kill(2). Returns false when no such
    /// process exists (ESRCH); an exited child that has not been reaped yet still counts as existing.
    /// </summary>
    /// <exception cref="InvalidOperationException">kill failed for another reason, such as EPERM.</exception>
    public static bool TrySignal(int processId, int signal)
    {
        // kill() reads 0 and negative ids as process groups or "every process"; a bad pid must not become a broadcast.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(processId);
        ArgumentOutOfRangeException.ThrowIfNegative(signal);
        if (Kill(processId, signal) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == ESrch
            ? false
            : throw new InvalidOperationException($"kill({processId}, {signal}) failed: {ErrorText(errno)}");
    }

    /// <summary>
    /// Looks up a user by name, or by numeric id when <paramref name="nameOrId"/> is all digits. Returns null for an
    /// unknown name. A numeric id without a database entry is still returned, as (null, id, id), because containers
    /// commonly run under arbitrary uids that have no entry, and there is then no primary group to read.
    /// </summary>
    public static UserAccount? FindUser(string nameOrId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);
        if (TryParseId(nameOrId, out var id))
        {
            return TryLookup<Passwd, UserAccount>((entry, buffer, length, result) => GetPwUidR(id, entry, buffer, length, result),
                    CopyAccount, $"getpwuid_r({id})", out var byId)
                ? byId
                : new UserAccount(null, id, id);
        }

        return TryLookup<Passwd, UserAccount>((entry, buffer, length, result) => GetPwNamR(nameOrId, entry, buffer, length, result),
                CopyAccount, $"getpwnam_r({nameOrId})", out var byName)
            ? byName
            : null;
    }

    /// <summary>
    /// Looks up a group by name, or returns a numeric id (all digits) as it is. Returns null for an unknown name.
    /// </summary>
    public static uint? FindGroup(string nameOrId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);
        if (TryParseId(nameOrId, out var id))
        {
            return id;
        }

        return TryLookup<Group, uint>((entry, buffer, length, result) => GetGrNamR(nameOrId, entry, buffer, length, result),
                static group => group.GroupId, $"getgrnam_r({nameOrId})", out var groupId)
            ? groupId
            : null;
    }

    /// <summary>Changes a file's owner with chown(2) (following symbolic links).</summary>
    /// <exception cref="IOException">chown failed; the message names the path and the errno text.</exception>
    public static void ChangeOwner(string path, uint userId, uint groupId)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Chown(path, userId, groupId) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"chown({path}, {userId}:{groupId}) failed: {ErrorText(errno)}");
        }
    }

    /// <summary>
    /// Drops root for good: supplementary groups (initgroups for a named account, else just
    /// <paramref name="groupId"/>), then setgid, then setuid, and verifies the result, including that setuid(0) now
    /// fails. A failure part-way leaves the process half dropped, so callers should treat it as fatal.
    /// </summary>
    /// <exception cref="InvalidOperationException">A call failed or the ids are not what was asked for.</exception>
    // glibc's setuid, setgid and setgroups change every thread of the process: the kernel calls act on the calling
    // thread only, so glibc has each thread repeat them (its "setxid" broadcast). That matters here because the .NET
    // runtime already has threads running (GC, finalizer, thread pool); raw syscalls would leave them as root.
    public static void DropPrivileges(UserAccount user, uint groupId)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userId = user.UserId;

        // (uid_t)-1 means "leave unchanged" to the set*id family, which would silently keep root.
        if (userId == uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(user), userId, "(uid_t)-1 is not a user");
        }

        if (groupId == uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(groupId), groupId, "(gid_t)-1 is not a group");
        }

        // Groups before gid before uid: once the uid is no longer 0 the process may not change its groups.
        if (user.Name is { } name)
        {
            if (InitGroups(name, groupId) != 0)
            {
                throw CallFailed($"initgroups({name}, {groupId})");
            }
        }
        else if (SetGroups(1, &groupId) != 0)
        {
            throw CallFailed($"setgroups(1, [{groupId}])");
        }

        if (SetGid(groupId) != 0)
        {
            throw CallFailed($"setgid({groupId})");
        }

        if (SetUid(userId) != 0)
        {
            throw CallFailed($"setuid({userId})");
        }

        // Checked rather than trusted: the point of the call is that nothing here can quietly stay root.
        var (uid, euid, gid, egid) = (GetUid(), GetEUid(), GetGid(), GetEGid());
        if (uid != userId || euid != userId || gid != groupId || egid != groupId)
        {
            throw new InvalidOperationException(
                $"dropping privileges to {userId}:{groupId} left uid {uid}, euid {euid}, gid {gid}, egid {egid}");
        }

        if (userId != 0 && SetUid(0) == 0)
        {
            throw new InvalidOperationException(
                $"dropping privileges to {userId}:{groupId} was not permanent: setuid(0) still succeeds");
        }
    }

    private static int GetDescriptorFlags(int descriptor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(descriptor);
        var flags = Fcntl(descriptor, FGetFd, 0);
        return flags == -1 ? throw DescriptorError(descriptor, "F_GETFD", Marshal.GetLastPInvokeError()) : flags;
    }

    private static IOException DescriptorError(int descriptor, string command, int errno) =>
        new($"fcntl({descriptor}, {command}) failed: {ErrorText(errno)}");

    private static InvalidOperationException CallFailed(string call) =>
        new($"{call} failed: {ErrorText(Marshal.GetLastPInvokeError())}");

    private static string ErrorText(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    private static bool TryParseId(string nameOrId, out uint id)
    {
        id = 0;
        if (!nameOrId.All(char.IsAsciiDigit))
        {
            return false;
        }

        // uint.MaxValue is (uid_t)-1, which chown and the set*id calls read as "no change", never as an account.
        return uint.TryParse(nameOrId, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id != uint.MaxValue
            ? true
            : throw new ArgumentOutOfRangeException(nameof(nameOrId), nameOrId, "not a valid user or group id");
    }

    private static UserAccount CopyAccount(Passwd entry) =>
        new(Marshal.PtrToStringUTF8((nint)entry.Name), entry.UserId, entry.GroupId);

    /// <summary>
    /// Runs a getXXnam_r-style lookup with a buffer that grows on ERANGE, copying the entry out while the buffer its
    /// strings point into is still pinned.
    /// </summary>
    private static bool TryLookup<TEntry, TResult>(
        EntryLookup<TEntry> lookup, Func<TEntry, TResult> copy, string call, [MaybeNullWhen(false)] out TResult result)
        where TEntry : unmanaged
    {
        for (var size = InitialLookupBuffer; ; size *= 2)
        {
            var buffer = new byte[size];
            var entry = default(TEntry);
            TEntry* found = null;
            int error;
            fixed (byte* bytes = buffer)
            {
                error = lookup(&entry, bytes, (nuint)size, &found);
                if (error == 0 && found != null)
                {
                    result = copy(*found);
                    return true;
                }
            }

            switch (error)
            {
                // The man page lists these, besides 0 with a null result, as "no such entry" on some systems.
                case 0 or ENoEnt or ESrch or EBadF or EPerm:
                    result = default;
                    return false;
                case ERange when size < MaximumLookupBuffer:
                    continue;
                default:
                    throw new InvalidOperationException($"{call} failed: {ErrorText(error)}");
            }
        }
    }

    private delegate int EntryLookup<TEntry>(TEntry* entry, byte* buffer, nuint length, TEntry** result)
        where TEntry : unmanaged;

    // glibc's struct passwd and struct group on LP64 Linux (x86-64, arm64): pointers are 8 bytes and uid_t/gid_t are
    // 4, so Sequential layout with natural alignment reproduces C's, including the 4 padding bytes after gr_gid.
    // Only the leading fields are read, but the full structs are declared because glibc writes all of them.
    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public byte* Name;
        public byte* Password;
        public uint UserId;
        public uint GroupId;
        public byte* Gecos;
        public byte* Directory;
        public byte* Shell;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Group
    {
        public byte* Name;
        public byte* Password;
        public uint GroupId;
        public byte** Members;
    }
}
