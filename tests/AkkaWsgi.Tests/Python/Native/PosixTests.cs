using System.Diagnostics;
using System.Net.Sockets;
using AkkaWsgi.Python.Native;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Python.Native;

/// <summary>
/// The supervisor's POSIX façade against the real libc. DropPrivileges is irreversible, so it is left to the
/// integration tests that run it in a child server process.
/// </summary>
public sealed class PosixTests
{
    // Debian's nobody and nogroup.
    private const uint Nobody = 65534;

    [Fact]
    public void SetInheritable_OnSocket_RoundTrips()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var descriptor = (int)socket.SafeHandle.DangerousGetHandle();

        // .NET opens sockets close-on-exec.
        Assert.False(Posix.IsInheritable(descriptor));

        Posix.SetInheritable(descriptor, true);
        Assert.True(Posix.IsInheritable(descriptor));

        Posix.SetInheritable(descriptor, true);
        Assert.True(Posix.IsInheritable(descriptor));

        Posix.SetInheritable(descriptor, false);
        Assert.False(Posix.IsInheritable(descriptor));
    }

    [Fact]
    public void SetInheritable_UnopenedDescriptor_ThrowsIOExceptionNamingIt()
    {
        // Far above anything the test host opens; a just-closed descriptor could be reused by a parallel test.
        const int Unopened = 1_000_000;

        var error = Assert.Throws<IOException>(() => Posix.SetInheritable(Unopened, true));

        Assert.Contains("fcntl(1000000, F_GETFD)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Bad file descriptor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrySignal_OwnProcessWithSignalZero_ReturnsTrue()
    {
        Assert.True(Posix.TrySignal(Environment.ProcessId, 0));
    }

    [Fact]
    public void TrySignal_ExitedProcess_ReturnsFalse()
    {
        int processId;
        using (var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start true"))
        {
            processId = process.Id;
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)));
        }

        // WaitForExit has reaped the child, so its pid is gone (barring reuse within microseconds).
        Assert.False(Posix.TrySignal(processId, 0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void TrySignal_NonPositivePid_ThrowsInsteadOfSignallingAGroup(int processId)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Posix.TrySignal(processId, 0));
    }

    [Fact]
    public void FindUser_Root_ReturnsRootAccount()
    {
        Assert.Equal(new UserAccount("root", 0, 0), Posix.FindUser("root"));
    }

    [Fact]
    public void FindUser_Nobody_HasDebianId()
    {
        var nobody = Posix.FindUser("nobody");

        Assert.NotNull(nobody);
        Assert.Equal(Nobody, nobody.UserId);
    }

    [Fact]
    public void FindUser_NumericIdWithEntry_ReturnsItsName()
    {
        Assert.Equal(new UserAccount("root", 0, 0), Posix.FindUser("0"));
    }

    [Fact]
    public void FindUser_UnknownName_ReturnsNull()
    {
        Assert.Null(Posix.FindUser("no-such-user-akk"));
    }

    [Fact]
    public void FindUser_NumericIdWithoutEntry_ReturnsUnnamedAccount()
    {
        Assert.Equal(new UserAccount(null, 424242, 424242), Posix.FindUser("424242"));
    }

    [Theory]
    [InlineData("4294967295")]
    [InlineData("99999999999")]
    public void FindUser_IdOutOfRange_Throws(string id)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Posix.FindUser(id));
    }

    [Fact]
    public void FindGroup_Nogroup_HasDebianId()
    {
        Assert.Equal(Nobody, Posix.FindGroup("nogroup"));
    }

    [Fact]
    public void FindGroup_NumericId_ReturnsItAsIs()
    {
        Assert.Equal(424242u, Posix.FindGroup("424242"));
    }

    [Fact]
    public void FindGroup_UnknownName_ReturnsNull()
    {
        Assert.Null(Posix.FindGroup("no-such-group-akk"));
    }

    [Fact]
    public void ChangeOwner_TempFile_ChangesOwnerWhenRootElseThrows()
    {
        var path = Path.GetTempFileName();
        try
        {
            if (Posix.EffectiveUserId != 0)
            {
                // Only root may give a file away; everyone else must get the IOException.
                var error = Assert.Throws<IOException>(() => Posix.ChangeOwner(path, Nobody, Nobody));
                Assert.Contains(path, error.Message, StringComparison.Ordinal);
                return;
            }

            Posix.ChangeOwner(path, Nobody, Nobody);

            var stat = ProcessRunner.Run("stat", ["-c", "%u:%g", path], TimeSpan.FromSeconds(30));
            Assert.Equal(0, stat.ExitCode);
            Assert.Equal("65534:65534", stat.StandardOutput.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ChangeOwner_MissingFile_ThrowsIOExceptionNamingPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"posix-missing-{Guid.NewGuid():N}");

        var error = Assert.Throws<IOException>(() => Posix.ChangeOwner(path, Nobody, Nobody));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("No such file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveEnvironmentVariable_RemovesItFromTheNativeEnvironmentToo()
    {
        var name = "AKKAWSGI_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "x");
        Assert.Equal(0, SetNative(name, "x"));
        Assert.Equal("x", GetNative(name));

        Posix.RemoveEnvironmentVariable(name);

        Assert.Null(Environment.GetEnvironmentVariable(name));
        Assert.Null(GetNative(name));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNative([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string name,
        [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string value, int overwrite = 1);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getenv")]
    private static extern nint GetNativePointer([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string name);

    private static string? GetNative(string name) => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(GetNativePointer(name));
}
