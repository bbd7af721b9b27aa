namespace AkkaWsgi.Actors.Background;

/// <summary>
/// When a <c>@akkawsgi.cron(minute, hour, day, month, weekday)</c> job runs: at every minute whose fields all match,
/// -1 matching any value. Weekdays count from Sunday = 0, as in cron and in wsgo.
/// </summary>
public sealed record CronSchedule
{
    public CronSchedule(int minute, int hour, int day, int month, int weekday)
    {
        Minute = Check(minute, 0, 59, nameof(minute));
        Hour = Check(hour, 0, 23, nameof(hour));
        Day = Check(day, 1, 31, nameof(day));
        Month = Check(month, 1, 12, nameof(month));
        Weekday = Check(weekday, 0, 6, nameof(weekday));
    }

    public int Minute { get; }

    public int Hour { get; }

    public int Day { get; }

    public int Month { get; }

    public int Weekday { get; }

    /// <summary>
    /// The first matching minute strictly after <paramref name="after"/>, in <paramref name="zone"/>'s wall-clock
    /// time; null if none ever comes (a day that never exists in that month, such as 31 February).
    /// </summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        var candidate = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        // The rarest date that comes at all is 29 February on a given weekday: up to 40 years apart, across a
        // century year that is not a leap year (2072 to 2112 for a Monday).
        var limit = candidate.AddYears(41);
        while (candidate < limit)
        {
            if (!Matches(Month, candidate.Month))
            {
                candidate = new DateTime(candidate.Year, candidate.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
                continue;
            }

            if (!Matches(Day, candidate.Day) || !Matches(Weekday, (int)candidate.DayOfWeek))
            {
                candidate = candidate.Date.AddDays(1);
                continue;
            }

            if (!Matches(Hour, candidate.Hour))
            {
                candidate = candidate.Date.AddHours(candidate.Hour + 1);
                continue;
            }

            if (!Matches(Minute, candidate.Minute))
            {
                candidate = candidate.AddMinutes(1);
                continue;
            }

            // A wall-clock minute skipped by a daylight-saving jump does not happen; the next match will.
            if (zone.IsInvalidTime(candidate))
            {
                candidate = candidate.AddMinutes(1);
                continue;
            }

            return new DateTimeOffset(candidate, zone.GetUtcOffset(candidate));
        }

        return null;
    }

    private static bool Matches(int field, int value) => field < 0 || field == value;

    private static int Check(int value, int min, int max, string name) =>
        value == -1 || (value >= min && value <= max)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be -1 (any) or between {min} and {max}");
}
