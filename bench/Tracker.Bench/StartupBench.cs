using System.Diagnostics;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// Start-up of the self-hosted server, cold: a fresh Release process per round against an Azurite whose storage exists,
/// timed from process start to the first 200 on /api/health. Then, in that process, the server's own CPU (from
/// /proc/&lt;pid&gt;/stat) for the first 500 GET /api/baselines and for 500 more once 12,000 have warmed it up: what a
/// freshly scaled-out instance pays while the JIT tiers up.
/// </summary>
public static class StartupBench
{
    private const string AdminKey = "bench-admin-key-startup-0123456789abcdef";

    public static async Task RunAsync(int rounds)
    {
        Console.WriteLine($"start-up benchmark: {rounds} cold starts of Tracker.Server (Release), {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        var built = ServerProcess.BuiltDll;
        var readyToRun = ServerProcess.PublishReadyToRun();
        // One start creates the storage; the measured ones start over storage that exists, as every start but the first does.
        await using (await StartAsync(azurite.ConnectionString, built))
        {
        }
        foreach (var (name, dll) in new[] { ("build output (JIT)", built), ("ReadyToRun publish", readyToRun) })
        {
            Console.WriteLine($"{name}:");
            await MeasureAsync(azurite.ConnectionString, dll, rounds);
        }
    }

    private static async Task MeasureAsync(string connectionString, string dll, int rounds)
    {
        var starts = new List<double>();
        double firstCpu = 0, warmCpu = 0;
        for (var round = 1; round <= rounds; round++)
        {
            await using var server = await StartAsync(connectionString, dll);
            starts.Add(server.StartMilliseconds);
            var first = await CpuOfRequestsAsync(server, 500);
            await CpuOfRequestsAsync(server, 12000);
            var warm = await CpuOfRequestsAsync(server, 500);
            firstCpu += first;
            warmCpu += warm;
            Console.WriteLine($"    round {round}: first 200 on /api/health after {server.StartMilliseconds:F0} ms; CPU per request: first 500 {first * 1000 / 500:F2} ms, after warm-up {warm * 1000 / 500:F2} ms");
        }
        starts.Sort();
        Console.WriteLine($"  start to first 200: median {starts[starts.Count / 2]:F0} ms, min {starts[0]:F0} ms, max {starts[^1]:F0} ms (goal < 1000 ms)");
        Console.WriteLine($"  CPU of the first 500 requests vs warm: {firstCpu / warmCpu:F1}x ({firstCpu * 1000 / rounds / 500:F2} vs {warmCpu * 1000 / rounds / 500:F2} ms per request)");
    }

    private static async Task<double> CpuOfRequestsAsync(Server server, int count)
    {
        var before = ServerProcess.CpuSeconds(server.Process.Id);
        for (var i = 0; i < count; i++)
        {
            (await server.Http.GetAsync("/api/baselines")).EnsureSuccessStatusCode();
        }
        return ServerProcess.CpuSeconds(server.Process.Id) - before;
    }

    private sealed class Server(Process process, HttpClient http, double startMilliseconds) : IAsyncDisposable
    {
        public Process Process { get; } = process;

        public HttpClient Http { get; } = http;

        public double StartMilliseconds { get; } = startMilliseconds;

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
            Process.Dispose();
        }
    }

    private static async Task<Server> StartAsync(string connectionString, string dll)
    {
        var stopwatch = Stopwatch.StartNew();
        // As deployed: the scheduler and the queue consumer start with it.
        var process = ServerProcess.Start(connectionString, AdminKey, out var port, dll,
            new Dictionary<string, string> { ["Jobs__SchedulerEnabled"] = "true", ["Jobs__Queues__ConsumerEnabled"] = "true" });
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
        await ServerProcess.WaitForHealthAsync(http, pollMilliseconds: 10);
        return new Server(process, http, stopwatch.Elapsed.TotalMilliseconds);
    }
}
