using System.Diagnostics;
using System.Net.Http.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Tracker.Portfolios;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// Posting progress updates over HTTP against doing the same table operations with the SDK, in one run against one
/// Azurite. Each update is, in both cases: a point read of the project, an insert into its Updates partition, and a
/// replace of the project row with If-Match. C clients work in parallel, each on its own project.
/// </summary>
public static class UpdatesBench
{
    private const string AdminKey = "bench-admin-key-0123456789abcdef0123456789";

    public static async Task RunAsync(int count, int clients, int rounds)
    {
        Console.WriteLine($"updates benchmark: {count} updates per phase, {clients} concurrent clients, {rounds} rounds, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, AdminKey, minimumLevel: LogLevel.Warning);
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = server.Address };
        http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
        var tables = new TableServiceClient(azurite.ConnectionString);
        var projectsTable = tables.GetTableClient(ProjectStore.Name);
        var updatesTable = tables.GetTableClient(UpdateStore.Name);

        (await http.PostAsJsonAsync("/api/portfolios", new { id = "bench", name = "Benchmark" })).EnsureSuccessStatusCode();
        var projects = new List<string>();
        for (var i = 0; i < clients * (rounds + 1) * 2; i++)
        {
            var id = $"p{i:000}";
            (await http.PostAsJsonAsync("/api/portfolios/bench/projects", new { id, name = id, category = "cloud", startDate = "2026-01-01", budget = 1000 })).EnsureSuccessStatusCode();
            projects.Add(id);
        }
        var next = 0;
        List<string> Take() => [.. Enumerable.Range(0, clients).Select(_ => projects[next++])];

        // Warm-up: JIT, connection pools, Azurite's tables.
        await HttpPhaseAsync(http, Take(), Math.Min(count, 50 * clients));
        await SdkPhaseAsync(projectsTable, updatesTable, Take(), Math.Min(count, 50 * clients));

        double httpTotal = 0, sdkTotal = 0;
        for (var round = 1; round <= rounds; round++)
        {
            var h = await HttpPhaseAsync(http, Take(), count);
            var s = await SdkPhaseAsync(projectsTable, updatesTable, Take(), count);
            httpTotal += h;
            sdkTotal += s;
            Console.WriteLine($"  round {round}: HTTP {count / h,8:F0} updates/s   SDK {count / s,8:F0} updates/s   ratio {s / h:F2}");
        }
        var httpRate = count * rounds / httpTotal;
        var sdkRate = count * rounds / sdkTotal;
        Console.WriteLine($"HTTP (POST .../updates through Tracker.Server): {httpRate:F0} updates/s");
        Console.WriteLine($"SDK  (same table operations, no HTTP):          {sdkRate:F0} updates/s");
        Console.WriteLine($"ratio HTTP/SDK at C={clients}: {httpRate / sdkRate:F2} (goal >= 0.70)");
    }

    private static async Task<double> HttpPhaseAsync(HttpClient http, List<string> projects, int count)
    {
        var perClient = count / projects.Count;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(projects.Select(async project =>
        {
            var start = DateTimeOffset.UtcNow.AddDays(-1);
            for (var i = 0; i < perClient; i++)
            {
                using var response = await http.PostAsJsonAsync($"/api/portfolios/bench/projects/{project}/updates",
                    new { reportedAt = start.AddSeconds(i), percentComplete = i % 100, spend = i });
                if ((int)response.StatusCode != 201)
                {
                    throw new InvalidOperationException($"POST answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }));
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> SdkPhaseAsync(TableClient projectsTable, TableClient updatesTable, List<string> projects, int count)
    {
        var perClient = count / projects.Count;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(projects.Select(async project =>
        {
            var start = DateTimeOffset.UtcNow.AddDays(-1);
            for (var i = 0; i < perClient; i++)
            {
                var entity = (await projectsTable.GetEntityAsync<ProjectEntity>("bench", project)).Value;
                var now = DateTimeOffset.UtcNow;
                var id = Guid.NewGuid().ToString("N");
                var update = new UpdateEntity
                {
                    PartitionKey = UpdateStore.Partition("bench", project),
                    RowKey = UpdateStore.RowKey(start.AddSeconds(i), now, id),
                    Id = id,
                    ProjectId = project,
                    ReportedAt = start.AddSeconds(i),
                    RecordedAt = now,
                    PercentComplete = i % 100,
                    Spend = i,
                };
                await updatesTable.AddEntityAsync(update);
                entity.Apply(update, now);
                await projectsTable.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);
            }
        }));
        return stopwatch.Elapsed.TotalSeconds;
    }
}
