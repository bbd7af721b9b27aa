namespace AkkaWsgi.Actors.Parking;

/// <summary>What happens to a parked request when it is woken or its time runs out.</summary>
public enum ParkAction
{
    /// <summary>Run the original request again, with the notification's argument.</summary>
    Retry,

    /// <summary>Close the connection without an answer.</summary>
    Disconnect,

    /// <summary>Answer 204 No Content.</summary>
    Http204,

    /// <summary>Answer 504 Gateway Timeout.</summary>
    Http504,
}
