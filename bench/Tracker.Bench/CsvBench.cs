using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Logging;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// CSV import against single posts, in one run on one Azurite: P projects and U updates through projects:import and
/// updates:import (files of at most 5,000 rows), then the same rows by single POSTs with C clients, each into a
/// portfolio of its own. Prints both times and the ratio.
/// </summary>
public static class CsvBench
{
    private const string AdminKey = "bench-admin-key-csv-0123456789abcdef01234";

    public static async Task RunAsync(int projects, int updates, int clients)
    {
        Console.WriteLine($"csv benchmark: {projects} projects and {updates} updates, CSV import vs single POSTs with {clients} clients, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, AdminKey, minimumLevel: LogLevel.Warning);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
        foreach (var id in new[] { "warm", "csv", "posts" })
        {
            (await http.PostAsJsonAsync("/api/portfolios", new { id, name = id })).EnsureSuccessStatusCode();
        }
        // Warm-up of both paths (JIT, connections, tables).
        await ImportAsync(http, "warm", Projects(50), Updates(200, 50));
        await PostAsync(http, "warm", 50, 200, clients, offset: 50);

        var csv = Stopwatch.StartNew();
        await ImportAsync(http, "csv", Projects(projects), Updates(updates, projects));
        csv.Stop();
        var posts = Stopwatch.StartNew();
        await PostAsync(http, "posts", projects, updates, clients, offset: 0);
        posts.Stop();

        Console.WriteLine($"CSV import:   {projects} projects + {updates} updates in {csv.Elapsed.TotalSeconds:F2} s");
        Console.WriteLine($"single POSTs: {projects} projects + {updates} updates in {posts.Elapsed.TotalSeconds:F2} s ({clients} clients)");
        Console.WriteLine($"ratio: the import is {posts.Elapsed / csv.Elapsed:F1}x faster (goal >= 5x)");
    }

    private static IEnumerable<string> Projects(int count) =>
        Enumerable.Range(0, count).Select(i => $"p{i:00000},Project {i},{(i % 3) switch { 0 => "cloud", 1 => "crm", _ => "ai" }},2026-01-05,{1000 + i}");

    /// <summary>Updates ordered by project, as an export lists them: each project's rows together.</summary>
    private static IEnumerable<string> Updates(int count, int projects) =>
        Enumerable.Range(0, count).Select(i => (Project: i % projects, Index: i)).OrderBy(u => u.Project)
            .Select(u => $"p{u.Project:00000},2026-{1 + (u.Index / projects) % 12:00}-15T09:00:00Z,{u.Index % 100},{u.Index}");

    private static async Task ImportAsync(HttpClient http, string portfolio, IEnumerable<string> projects, IEnumerable<string> updates)
    {
        foreach (var chunk in projects.Chunk(5000))
        {
            await SendAsync(http, $"/api/portfolios/{portfolio}/projects:import", "id,name,category,startDate,budget", chunk);
        }
        foreach (var chunk in updates.Chunk(5000))
        {
            await SendAsync(http, $"/api/portfolios/{portfolio}/updates:import", "projectId,reportedAt,percentComplete,spend", chunk);
        }
    }

    private static async Task SendAsync(HttpClient http, string path, string header, string[] rows)
    {
        var body = header + "\n" + string.Join("\n", rows) + "\n";
        var started = Stopwatch.GetTimestamp();
        var response = await http.PostAsync(path, new StringContent(body, new UTF8Encoding(false), "text/csv"));
        Console.WriteLine($"  {path.Split('/')[^1]}: {rows.Length} rows in {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s");
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task PostAsync(HttpClient http, string portfolio, int projects, int updates, int clients, int offset)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, projects), new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, ct) =>
            (await http.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects",
                new { id = $"p{i + offset:00000}", name = $"Project {i}", category = "cloud", startDate = "2026-01-05", budget = 1000 + i }, ct)).EnsureSuccessStatusCode());
        await Parallel.ForEachAsync(Enumerable.Range(0, updates), new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, ct) =>
            (await http.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects/p{i % projects + offset:00000}/updates",
                new { reportedAt = $"2026-{1 + (i / projects) % 12:00}-15T09:00:00Z", percentComplete = i % 100, spend = i }, ct)).EnsureSuccessStatusCode());
    }
}
