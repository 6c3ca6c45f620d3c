using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tracker.Dashboard;
using Tracker.Metrics;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// The dashboard on a big portfolio: P projects with compact histories and D days of daily snapshots on Azurite, the
/// real server on loopback, signed in with a session cookie. Prints the time to answer the portfolio page (its first
/// page of the project table, then sorted and filtered) and project pages, warm, as the median and 95th percentile
/// of R requests each, and the portfolio page's weight as sent with gzip and with br (the pages have no script and
/// their CSS is inline, so the HTML is the whole page).
/// </summary>
public static partial class PageBench
{
    private const string AdminKey = "bench-admin-key-pages-0123456789abcdef012";

    public static async Task RunAsync(int projectCount, int days, int rounds)
    {
        Console.WriteLine($"pages benchmark: {projectCount} projects, {days} days of snapshots, {rounds} requests per page, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, AdminKey, minimumLevel: LogLevel.Warning);
        var seed = Stopwatch.StartNew();
        var histories = await JobBench.SeedAsync(server.Services, new RawTables(azurite.ConnectionString), "bench", projectCount, 20);
        var engine = server.Services.GetRequiredService<MetricsEngine>();
        var snapshots = server.Services.GetRequiredService<Snapshots>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await Parallel.ForEachAsync(Enumerable.Range(0, days), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (back, ct) =>
            await snapshots.WriteAsync(engine.Compute("bench", histories, today.AddDays(-back), TimeZoneInfo.Utc), DateTimeOffset.UtcNow, ct));
        Console.WriteLine($"  seeded {projectCount:N0} projects and {days * projectCount:N0} project snapshots in {seed.Elapsed.TotalSeconds:F1} s");

        var cookies = new CookieContainer();
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = server.Address };
        var form = await browser.GetStringAsync(DashboardRoutes.SignIn);
        var token = FormToken().Match(form).Groups[1].Value;
        var signedIn = await browser.PostAsync(DashboardRoutes.SignIn, new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = token, ["key"] = AdminKey }));
        if (signedIn.StatusCode != HttpStatusCode.SeeOther)
        {
            throw new InvalidOperationException($"sign-in answered {(int)signedIn.StatusCode}");
        }

        var portfolio = DashboardRoutes.Portfolio("bench");
        await TimeAsync(browser, "portfolio page (attention order, page 1 of the table)", [portfolio], rounds, goalMs: 150);
        await TimeAsync(browser, "portfolio page (sorted by name, page 20)", [portfolio + "?sort=name&dir=asc&page=20"], rounds, goalMs: 150);
        await TimeAsync(browser, "portfolio page (filtered: cloud, high priority)", [portfolio + "?category=cloud&priority=high"], rounds, goalMs: 150);
        var projects = histories.Take(rounds).Select(h => DashboardRoutes.Project("bench", h.Id)).ToList();
        await TimeAsync(browser, "project page (a different project each time)", projects, rounds, goalMs: 50);

        foreach (var encoding in new[] { "gzip", "br" })
        {
            using var handler = new SocketsHttpHandler { CookieContainer = cookies, AutomaticDecompression = DecompressionMethods.None };
            using var raw = new HttpClient(handler) { BaseAddress = server.Address };
            using var request = new HttpRequestMessage(HttpMethod.Get, portfolio);
            request.Headers.Add("Accept-Encoding", encoding);
            using var response = await raw.SendAsync(request);
            var sent = (await response.Content.ReadAsByteArrayAsync()).Length;
            Console.WriteLine($"portfolio page weight with {encoding}: {sent / 1024.0:F1} KB sent (Content-Encoding: {string.Join(",", response.Content.Headers.ContentEncoding)}; goal <= 150 KB)");
        }
        var html = await browser.GetStringAsync(portfolio);
        Console.WriteLine($"portfolio page weight uncompressed: {html.Length / 1024.0:F1} KB of HTML (CSS inline, no script, no other request)");
    }

    private static async Task TimeAsync(HttpClient browser, string what, IReadOnlyList<string> paths, int rounds, double goalMs)
    {
        for (var i = 0; i < 3; i++)
        {
            (await browser.GetAsync(paths[i % paths.Count])).EnsureSuccessStatusCode(); // warm: JIT, connections, caches
        }
        var times = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await browser.GetAsync(paths[i % paths.Count]);
            await response.Content.ReadAsByteArrayAsync();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            response.EnsureSuccessStatusCode();
        }
        times.Sort();
        var median = times[times.Count / 2];
        var p95 = times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)];
        Console.WriteLine($"{what}: median {median:F1} ms, p95 {p95:F1} ms over {rounds} requests (goal <= {goalMs:F0} ms)");
    }

    [GeneratedRegex("name=\"_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
