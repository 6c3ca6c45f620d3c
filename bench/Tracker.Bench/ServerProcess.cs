using System.Diagnostics;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// A separate Tracker.Server process for the benchmarks that measure the server from outside: Production settings,
/// rate limits, scheduler and queue consumer off, on a free loopback port, with /proc readings of its CPU.
/// </summary>
public static class ServerProcess
{
    public static string BuiltDll => Path.Combine(RepoRoot.Find(), "src", "Tracker.Server", "bin", "Release", "net10.0", "Tracker.Server.dll");

    /// <summary>The server published with ReadyToRun, as any runtime-specific publish of it is; returns its Tracker.Server.dll.</summary>
    public static string PublishReadyToRun() => ReadyToRun.Publish(Path.Combine("src", "Tracker.Server"), "server-readytorun", "Tracker.Server.dll");

    public static Process Start(string connectionString, string adminKey, out int port, string? dll = null, IDictionary<string, string>? settings = null)
    {
        port = Azurite.FreePort();
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { dll ?? BuiltDll, "--urls", $"http://127.0.0.1:{port}" }, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__ConnectionString"] = connectionString;
        start.Environment["Tracker__BootstrapAdminKey"] = adminKey;
        start.Environment["Jobs__SchedulerEnabled"] = "false";
        start.Environment["Jobs__Queues__ConsumerEnabled"] = "false";
        start.Environment["RateLimits__Enabled"] = "false"; // a benchmark measures the product, not the limits
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var server = Process.Start(start) ?? throw new InvalidOperationException("server did not start");
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        return server;
    }

    /// <summary>Polls /api/health until it answers 200 (at most 30 s).</summary>
    public static async Task WaitForHealthAsync(HttpClient http, int pollMilliseconds = 200)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/api/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (stopwatch.Elapsed < TimeSpan.FromSeconds(30))
            {
            }
            if (stopwatch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("the server did not answer /api/health within 30 s");
            }
            await Task.Delay(pollMilliseconds);
        }
    }

    /// <summary>A process's own CPU time so far, user + system, from /proc/&lt;pid&gt;/stat (clock ticks of 1/100 s).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command: state is field 3, so utime (14) and stime (15) are at indexes 11 and 12.
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }
}
