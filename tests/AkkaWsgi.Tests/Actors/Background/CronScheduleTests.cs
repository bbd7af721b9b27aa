using AkkaWsgi.Actors.Background;

namespace AkkaWsgi.Tests.Actors.Background;

public sealed class CronScheduleTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    [Theory]
    [InlineData("2026-11-21T10:15:00Z", "2026-11-21T10:30:00Z")]
    [InlineData("2026-11-21T10:30:00Z", "2026-11-21T11:30:00Z")]
    [InlineData("2026-11-21T10:29:59Z", "2026-11-21T10:30:00Z")]
    [InlineData("2026-11-21T23:45:00Z", "2026-11-22T00:30:00Z")]
    public void NextAfter_HalfPastEveryHour(string after, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected), new CronSchedule(30, -1, -1, -1, -1).NextAfter(DateTimeOffset.Parse(after), Utc));
    }

    [Fact]
    public void NextAfter_EveryMinute_IsTheNextWholeMinute()
    {
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T10:16:00Z"),
            new CronSchedule(-1, -1, -1, -1, -1).NextAfter(DateTimeOffset.Parse("2026-11-21T10:15:42Z"), Utc));
    }

    [Fact]
    public void NextAfter_Day31_SkipsMonthsThatAreShorter()
    {
        Assert.Equal(DateTimeOffset.Parse("2026-03-31T00:00:00Z"),
            new CronSchedule(0, 0, 31, -1, -1).NextAfter(DateTimeOffset.Parse("2026-02-01T00:00:00Z"), Utc));
    }

    [Fact]
    public void NextAfter_LeapDay_WaitsForTheNextLeapYear()
    {
        Assert.Equal(DateTimeOffset.Parse("2028-02-29T06:00:00Z"),
            new CronSchedule(0, 6, 29, 2, -1).NextAfter(DateTimeOffset.Parse("2025-03-01T00:00:00Z"), Utc));
    }

    [Fact]
    public void NextAfter_LeapDayOnAWeekday_IsFoundAcrossACenturyThatSkipsALeapYear()
    {
        // 29 February is a Monday in 2072 and next in 2112, 2100 being no leap year.
        Assert.Equal(DateTimeOffset.Parse("2112-02-29T00:00:00Z"),
            new CronSchedule(0, 0, 29, 2, 1).NextAfter(DateTimeOffset.Parse("2072-03-01T00:00:00Z"), Utc));
    }

    [Fact]
    public void NextAfter_ADayThatNeverExists_IsNull()
    {
        Assert.Null(new CronSchedule(0, 0, 30, 2, -1).NextAfter(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), Utc));
    }

    [Fact]
    public void NextAfter_Weekday_CountsFromSundayAsZero()
    {
        // 2026-11-18 is a Wednesday; the next Sunday is the 22nd.
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T09:00:00Z"),
            new CronSchedule(0, 9, -1, -1, 0).NextAfter(DateTimeOffset.Parse("2026-11-18T12:00:00Z"), Utc));
    }

    [Fact]
    public void NextAfter_DayAndWeekday_MustBothMatch()
    {
        // Friday the 13th: January 2026 has none (the 13th is a Tuesday), February 13th is a Friday.
        Assert.Equal(DateTimeOffset.Parse("2026-02-13T00:00:00Z"),
            new CronSchedule(0, 0, 13, -1, 5).NextAfter(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), Utc));
    }

    [Fact]
    public void NextAfter_CrossesTheYear()
    {
        Assert.Equal(DateTimeOffset.Parse("2027-01-01T00:00:00Z"),
            new CronSchedule(0, 0, 1, 1, -1).NextAfter(DateTimeOffset.Parse("2026-12-31T23:59:00Z"), Utc));
    }

    [Fact]
    public void NextAfter_LocalTime_SkipsAMinuteThatDaylightSavingJumpsOver()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        // On 2026-03-29 clocks jump from 02:00 to 03:00 in Berlin, so 02:30 happens only the next day.
        var next = new CronSchedule(30, 2, -1, -1, -1).NextAfter(new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.FromHours(1)), berlin);

        Assert.Equal(new DateTimeOffset(2026, 3, 30, 2, 30, 0, TimeSpan.FromHours(2)), next);
    }

    [Theory]
    [InlineData(60, -1, -1, -1, -1)]
    [InlineData(-1, 24, -1, -1, -1)]
    [InlineData(-1, -1, 0, -1, -1)]
    [InlineData(-1, -1, 32, -1, -1)]
    [InlineData(-1, -1, -1, 13, -1)]
    [InlineData(-1, -1, -1, -1, 7)]
    [InlineData(-2, -1, -1, -1, -1)]
    public void Constructor_OutOfRange_Throws(int minute, int hour, int day, int month, int weekday)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CronSchedule(minute, hour, day, month, weekday));
    }
}
