using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AkkaWsgi.Tests.Support;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol: opens a page and reads what it shows, while the
/// page keeps running (so a test can see it change without reloading it).
/// </summary>
public sealed class HeadlessBrowser : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly Process process;
    private readonly TempDirectoryTree profile;
    private readonly ClientWebSocket socket = new();
    private int nextId;

    private HeadlessBrowser(Process process, TempDirectoryTree profile)
    {
        this.process = process;
        this.profile = profile;
    }

    public static bool Available => File.Exists(Executable);

    /// <summary>Starts chromium on <paramref name="url"/> and connects to that page.</summary>
    public static async Task<HeadlessBrowser> OpenAsync(Uri url, TimeSpan timeout)
    {
        var profile = new TempDirectoryTree();
        var info = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-port=0",
                     $"--user-data-dir={profile.Root}", "about:blank" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var browser = new HeadlessBrowser(process, profile);
        try
        {
            // chromium writes the port it picked here once it listens.
            var portFile = Path.Combine(profile.Root, "DevToolsActivePort");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 2)
            {
                if (clock.Elapsed > timeout || process.HasExited)
                {
                    throw new InvalidOperationException("chromium did not start its DevTools endpoint");
                }

                await Task.Delay(100);
            }

            var port = File.ReadAllLines(portFile)[0].Trim();
            using var http = new HttpClient { Timeout = timeout };
            using var response = await http.PutAsync(new Uri($"http://127.0.0.1:{port}/json/new?{url}"), null);
            var target = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            await browser.socket.ConnectAsync(new Uri(target["webSocketDebuggerUrl"]!.GetValue<string>()), CancellationToken.None);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>The page's visible text now.</summary>
    public async Task<string> TextAsync()
    {
        var result = await CallAsync("Runtime.evaluate", new JsonObject { ["expression"] = "document.body ? document.body.innerText : ''", ["returnByValue"] = true });
        return result["result"]?["value"]?.GetValue<string>() ?? "";
    }

    /// <summary>Waits until the page's text satisfies <paramref name="condition"/>; the last text seen.</summary>
    public async Task<(bool Met, string Text)> WaitForTextAsync(Func<string, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var text = "";
        while (clock.Elapsed < timeout)
        {
            text = await TextAsync();
            if (condition(text))
            {
                return (true, text);
            }

            await Task.Delay(200);
        }

        return (false, text);
    }

    /// <summary>A PNG of the page as it looks now.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var result = await CallAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        return Convert.FromBase64String(result["data"]!.GetValue<string>());
    }

    public async ValueTask DisposeAsync()
    {
        socket.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        profile.Dispose();
    }

    private async Task<JsonNode> CallAsync(string method, JsonObject parameters)
    {
        var id = ++nextId;
        var request = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            var reply = JsonNode.Parse(message.ToArray())!;
            if (reply["id"]?.GetValue<int>() == id)
            {
                return reply["result"] ?? throw new InvalidOperationException($"{method}: {reply.ToJsonString()}");
            }
        }
    }
}
