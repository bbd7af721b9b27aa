using System.Text.RegularExpressions;

namespace AkkaWsgi.Tests.Support;

/// <summary>A form protected by a CSRF token in a hidden field: fetch the page for a token, post the form with it.</summary>
/// <param name="PagePath">The page that renders the form.</param>
/// <param name="PostPath">Where the form is posted.</param>
/// <param name="FieldName">The hidden field that carries the token.</param>
/// <param name="Field">Matches the hidden field; group 1 is the token.</param>
public sealed record CsrfForm(string PagePath, string PostPath, string FieldName, Regex Field)
{
    public async Task<string> FetchTokenAsync(HttpClient client)
    {
        var html = await client.GetStringAsync(new Uri(PagePath, UriKind.Relative));
        var match = Field.Match(html);
        Assert.True(match.Success, $"no {FieldName} field in:\n{html}");
        return match.Groups[1].Value;
    }

    /// <summary>Posts the form's one text field, with the token unless it is null.</summary>
    public Task<HttpResponseMessage> PostAsync(HttpClient client, string? token, string name)
    {
        var fields = new Dictionary<string, string> { ["name"] = name };
        if (token is not null)
        {
            fields[FieldName] = token;
        }

        return client.PostAsync(new Uri(PostPath, UriKind.Relative), new FormUrlEncodedContent(fields));
    }
}
