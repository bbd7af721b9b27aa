namespace AkkaWsgi.Actors.Parking;

/// <summary>The words naming a <see cref="ParkAction"/> in headers and in <c>akkawsgi.notify_parked</c>.</summary>
public static class ParkActionNames
{
    /// <summary>Reads <c>retry</c>, <c>disconnect</c>, <c>http-204</c> or <c>http-504</c>, in any case.</summary>
    public static bool TryParse(string word, out ParkAction action)
    {
        var trimmed = word.Trim();
        foreach (var candidate in Enum.GetValues<ParkAction>())
        {
            if (trimmed.Equals(Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                action = candidate;
                return true;
            }
        }

        action = default;
        return false;
    }

    /// <summary>The word for <paramref name="action"/>, as the akkawsgi module's constants spell it.</summary>
    public static string Name(ParkAction action) => action switch
    {
        ParkAction.Retry => "retry",
        ParkAction.Disconnect => "disconnect",
        ParkAction.Http204 => "http-204",
        ParkAction.Http504 => "http-504",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };
}
