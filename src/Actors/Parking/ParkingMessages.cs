namespace AkkaWsgi.Actors.Parking;

/// <summary>Hold <paramref name="Request"/> until a notification on one of its channels, or its timeout.</summary>
public sealed record Park(ParkedRequest Request);

/// <summary>The client of <paramref name="Request"/> left: forget it.</summary>
public sealed record Unpark(ParkedRequest Request);

/// <summary>Wake every request parked on any of <paramref name="Channels"/> with <paramref name="Action"/>.</summary>
public sealed record Notify(IReadOnlyList<string> Channels, ParkAction Action, string Arg);

/// <summary>The timeout of <paramref name="Request"/> has come (scheduled when it parked).</summary>
public sealed record ParkExpired(ParkedRequest Request);

/// <summary>
/// The server is stopping: every parked request, and any that parks from now on, gets its timeout action at once, so
/// that long polls do not hold the shutdown for the whole grace period.
/// </summary>
public sealed record WakeAll;
