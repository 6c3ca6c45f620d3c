using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Tracker.Testing;

/// <summary>
/// A real SMTP server for tests: maildev (from the repository's node_modules, pinned in package-lock.json) on free
/// loopback ports. What arrived is read through its REST API, <c>/api/email</c>.
/// </summary>
public sealed class Maildev : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private Maildev(Process process, int smtpPort, int webPort)
    {
        _process = process;
        SmtpPort = smtpPort;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };
    }

    public int SmtpPort { get; }

    public static async Task<Maildev> StartAsync()
    {
        var root = RepoRoot.Find();
        var script = Path.Combine(root, "node_modules", "maildev", "dist", "bin", "maildev.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"maildev is not installed at {script}; run 'npm ci' in {root} (the test command does).");
        }
        var smtp = Azurite.FreePort();
        var web = Azurite.FreePort();
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, "--smtp", smtp.ToString(System.Globalization.CultureInfo.InvariantCulture), "--web", web.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--silent" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("maildev did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var maildev = new Maildev(process, smtp, web);
        for (var i = 0; i < 150; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", smtp);
                (await maildev._http.GetAsync("/api/email")).EnsureSuccessStatusCode();
                return maildev;
            }
            catch (Exception e) when (e is SocketException or HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException("maildev did not start within 15 s.");
    }

    /// <summary>Every message received so far, as maildev describes it (subject, to, headers, html, text...).</summary>
    public async Task<List<JsonElement>> EmailsAsync() => await _http.GetFromJsonAsync<List<JsonElement>>("/api/email") ?? [];

    /// <summary>The message exactly as it arrived (maildev's parsed headers leave some out, such as List-Unsubscribe).</summary>
    public async Task<MimeKit.MimeMessage> SourceAsync(JsonElement email)
    {
        await using var stream = await _http.GetStreamAsync($"/api/email/{email.GetProperty("id").GetString()}/source");
        return await MimeKit.MimeMessage.LoadAsync(stream);
    }

    public static IEnumerable<string> Recipients(JsonElement email) =>
        email.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString()!);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
