using AkkaWsgi.Hosting.Front.Blocking;

namespace AkkaWsgi.Tests.Http.Front.Blocking;

public sealed class BlockDirectiveTests
{
    [Theory]
    [InlineData("X-AkkaWsgi-Block")]
    [InlineData("x-akkawsgi-block")]
    [InlineData("X-AKKAWSGI-BLOCK")]
    [InlineData("X-WSGo-Block")]
    [InlineData("x-wsgo-block")]
    public void IsHeader_EitherSpellingInAnyCase(string name) => Assert.True(BlockDirective.IsHeader(name));

    [Theory]
    [InlineData("X-AkkaWsgi-Blocked")]
    [InlineData("X-Block")]
    [InlineData("X-AkkaWsgi-Park")]
    [InlineData("")]
    public void IsHeader_OtherNames_AreNot(string name) => Assert.False(BlockDirective.IsHeader(name));

    [Theory]
    [InlineData("300", 300)]
    [InlineData("1", 1)]
    [InlineData("2.5", 2.5)]
    [InlineData(" 60 ", 60)]
    [InlineData("0.5", 0.5)]
    public void TryParse_PositiveSeconds(string value, double seconds)
    {
        Assert.True(BlockDirective.TryParse(value, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("0")]
    [InlineData("0.0")]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("5s")]
    [InlineData("1e3")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1,5")]
    public void TryParse_AnythingButAPositiveNumber_IsRefused(string value) => Assert.False(BlockDirective.TryParse(value, out _));

    [Theory]
    [InlineData("86400")]
    [InlineData("86401")]
    [InlineData("99999999999999999999")]
    public void TryParse_LongerThanADay_IsCappedAtADay(string value)
    {
        Assert.True(BlockDirective.TryParse(value, out var duration));
        Assert.Equal(TimeSpan.FromDays(1), duration);
    }
}
