namespace AkkaWsgi.Actors.Parking;

/// <summary>How a parked request ended: the action to take, and the notification's argument for a retry.</summary>
public sealed record ParkWake(ParkAction Action, string Arg, bool TimedOut);
