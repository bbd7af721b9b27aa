namespace AkkaWsgi.Tests.Actors.Kernel;

/// <summary>The <paramref name="Sequence"/>th message from stress sender <paramref name="Sender"/>.</summary>
internal sealed record SequencedMessage(int Sender, int Sequence);
