using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Tracker.Portfolios;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// Sustained load with idempotency: W writers post progress updates for D seconds to a few shared projects, each with
/// an Idempotency-Key; a quarter of the posts repeat an earlier key with its body (a client retrying). Prints updates/s,
/// latency percentiles, and the count check: every key answered 2xx is exactly one row in history, no duplicates.
/// </summary>
public static class LoadBench
{
    private const string AdminKey = "bench-admin-key-load-0123456789abcdef0123";

    public static async Task RunAsync(int writers, int seconds, int projects)
    {
        Console.WriteLine($"load benchmark: {writers} writers, {seconds} s, {projects} shared projects, 25% repeated Idempotency-Keys, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, AdminKey, minimumLevel: LogLevel.Warning);
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = writers * 2 };
        using var http = new HttpClient(handler) { BaseAddress = server.Address };
        http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
        (await http.PostAsJsonAsync("/api/portfolios", new { id = "load", name = "Load" })).EnsureSuccessStatusCode();
        for (var p = 0; p < projects; p++)
        {
            (await http.PostAsJsonAsync("/api/portfolios/load/projects", new { id = $"p{p}", name = $"P{p}", category = "cloud", startDate = "2026-01-01" })).EnsureSuccessStatusCode();
        }

        var latencies = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<int, int>();
        var acknowledged = new ConcurrentDictionary<string, string>(); // idempotency key -> update id
        var stop = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var sent = new List<(string Key, string Project, object Body)>();
            for (var n = 0; stop.Elapsed < deadline; n++)
            {
                (string Key, string Project, object Body) post;
                if (sent.Count > 0 && random.Next(4) == 0)
                {
                    post = sent[random.Next(sent.Count)];
                }
                else
                {
                    post = ($"w{w}-{n}", $"p{random.Next(projects)}", new { percentComplete = random.Next(0, 101), spend = n, note = $"w{w}-{n}" });
                    sent.Add(post);
                }
                var request = new HttpRequestMessage(HttpMethod.Post, $"/api/portfolios/load/projects/{post.Project}/updates") { Content = JsonContent.Create(post.Body) };
                request.Headers.Add("Idempotency-Key", post.Key);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                if ((int)response.StatusCode == 201)
                {
                    var id = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
                    var first = acknowledged.GetOrAdd(post.Key, id);
                    if (first != id)
                    {
                        Console.WriteLine($"  ! key {post.Key} answered two ids: {first} and {id}");
                    }
                }
            }
        })));
        var elapsed = stop.Elapsed.TotalSeconds;

        var updates = new TableServiceClient(azurite.ConnectionString).GetTableClient(UpdateStore.Name);
        var notes = new List<string>();
        await foreach (var row in updates.QueryAsync<TableEntity>(select: ["Note"]))
        {
            if (row.GetString("Note") is { } note)
            {
                notes.Add(note);
            }
        }
        var duplicates = notes.Count - notes.Distinct().Count();
        var sorted = latencies.Order().ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        var requests = sorted.Length;
        Console.WriteLine($"requests: {requests} in {elapsed:F1} s = {requests / elapsed:F0}/s; by status: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");
        Console.WriteLine($"updates written: {acknowledged.Count} in {elapsed:F1} s = {acknowledged.Count / elapsed:F0} updates/s");
        Console.WriteLine($"latency: p50 {P(0.50):F1} ms, p90 {P(0.90):F1} ms, p99 {P(0.99):F1} ms, max {sorted[^1]:F1} ms");
        var ok = notes.Count == acknowledged.Count && duplicates == 0 && acknowledged.Keys.All(notes.Contains);
        Console.WriteLine($"count check: keys answered 2xx {acknowledged.Count}, rows in history {notes.Count}, duplicates {duplicates} -> {(ok ? "OK" : "FAILED")}");
    }
}
