using System.Buffers;
using System.Globalization;
using System.Text;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>Escapes what a client sent before it goes between the quotes of an access log line.</summary>
/// <remarks>
/// As Apache and nginx do: a quote would end the field early and let a client write fields of its own (a fake status,
/// a fake user agent) for log readers such as fail2ban to believe, and control characters (ESC, CSI) would reach the
/// terminal of whoever tails the log.
/// </remarks>
internal static class AccessLogText
{
    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f" +
        "\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e\u008f" +
        "\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009a\u009b\u009c\u009d\u009e\u009f");

    /// <summary><paramref name="text"/> itself when nothing in it needs escaping (the usual case, and no copy).</summary>
    public static string Escape(string text)
    {
        var first = text.AsSpan().IndexOfAny(Escaped);
        if (first < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            if (c is '"' or '\\')
            {
                escaped.Append('\\').Append(c);
            }
            else if (Escaped.Contains(c))
            {
                escaped.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
