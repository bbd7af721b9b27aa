using AkkaWsgi.Http.Hosting;

namespace AkkaWsgi.Tests.Http.Hosting;

public sealed class StandardErrorTests
{
    [Fact]
    public void ALongRecord_ReachesTheDescriptorInOneWrite()
    {
        var descriptor = new WriteCountingStream();
        using var writer = StandardError.Create(descriptor);
        var record = "{\"Message\":\"" + new string('x', 3000) + "\"}\n";

        writer.Write(record);
        writer.Write("short\n");

        Assert.Equal(2, descriptor.Writes);
        Assert.Equal(record + "short\n", System.Text.Encoding.UTF8.GetString(descriptor.ToArray()));
    }

    [Fact]
    public void TheRuntimesOwnBufferSize_WouldSplitIt()
    {
        // What Console.Error does by default (a 256-byte buffer): the reason for StandardError.
        var descriptor = new WriteCountingStream();
        using var writer = new StreamWriter(descriptor, new System.Text.UTF8Encoding(false), 256, leaveOpen: true) { AutoFlush = true };

        writer.Write(new string('x', 3000) + "\n");

        Assert.True(descriptor.Writes > 1);
    }

    /// <summary>A descriptor that counts the writes it is given.</summary>
    private sealed class WriteCountingStream : Stream
    {
        private readonly MemoryStream written = new();

        public int Writes { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => written.Length;

        public override long Position { get => written.Position; set => throw new NotSupportedException(); }

        public byte[] ToArray() => written.ToArray();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            written.Write(buffer);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
