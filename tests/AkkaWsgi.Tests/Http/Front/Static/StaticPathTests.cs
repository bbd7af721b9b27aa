using AkkaWsgi.Hosting.Front.Static;

namespace AkkaWsgi.Tests.Http.Front.Static;

public sealed class StaticPathTests
{
    [Theory]
    [InlineData("/../secret")]
    [InlineData("/..")]
    [InlineData("/a/../../secret")]
    [InlineData("/a/../b")]
    [InlineData("/..\\secret")]
    [InlineData("/a\\b")]
    [InlineData("/a\0.css")]
    public void IsTraversal_ClimbingOrBackslashOrNul_IsTrue(string path)
    {
        Assert.True(StaticPath.IsTraversal(path));
    }

    [Theory]
    [InlineData("/a.css")]
    [InlineData("/...")]
    [InlineData("/..a/b..")]
    [InlineData("/./a.css")]
    [InlineData("")]
    public void IsTraversal_OrdinaryNames_IsFalse(string path)
    {
        Assert.False(StaticPath.IsTraversal(path));
    }

    [Theory]
    [InlineData("/.env", true)]
    [InlineData("/.git/config", true)]
    [InlineData("/a/.hidden/b.css", true)]
    [InlineData("/./a.css", false)]
    [InlineData("/a.b/c.css", false)]
    public void HasHiddenSegment_DotPrefixedSegmentAnywhere(string path, bool expected)
    {
        Assert.Equal(expected, StaticPath.HasHiddenSegment(path));
    }
}
