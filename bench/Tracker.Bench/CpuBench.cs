using System.Diagnostics;
using System.Net.Http.Json;
using Azure;
using Azure.Data.Tables;
using Tracker.Portfolios;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// The server's own CPU per request, read from /proc/&lt;pid&gt;/stat (user + system) of a separate Release
/// Tracker.Server process, next to the CPU this process spends doing the same table operations with the bare SDK, in
/// the same run against the same Azurite. One keep-alive client, requests one after another, after a warm-up.
/// </summary>
public static class CpuBench
{
    private const string AdminKey = "bench-admin-key-cpu-0123456789abcdef0123";

    public static async Task RunAsync(int warmup, int count)
    {
        Console.WriteLine($"CPU benchmark: {count:N0} requests of each kind after {warmup:N0} warm-up, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        using var server = ServerProcess.Start(azurite.ConnectionString, AdminKey, out var port, settings: new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
            await ServerProcess.WaitForHealthAsync(http);
            (await http.PostAsJsonAsync("/api/portfolios", new { id = "p-cpu", name = "CPU" })).EnsureSuccessStatusCode();
            (await http.PostAsJsonAsync("/api/portfolios/p-cpu/projects", new { id = "api", name = "Through the API", category = "cloud", startDate = "2026-01-01" })).EnsureSuccessStatusCode();
            var raw = new RawTables(azurite.ConnectionString);
            await raw.Projects.AddEntityAsync(ProjectHandlers.NewEntity("p-cpu", new CreateProjectRequest { Name = "Bare SDK", Category = Category.Cloud, StartDate = new DateOnly(2026, 1, 1) }, "bare", DateTimeOffset.UtcNow));

            var post = await ServerCpuAsync(server.Id, warmup, count, i => http.PostAsJsonAsync("/api/portfolios/p-cpu/projects/api/updates", new { percentComplete = i % 100 }));
            var get = await ServerCpuAsync(server.Id, warmup, count, _ => http.GetAsync("/api/portfolios/p-cpu/projects/api"));
            var barePost = await ClientCpuAsync(warmup, count, i => BarePostAsync(raw, i));
            var bareGet = await ClientCpuAsync(warmup, count, _ => BareGetAsync(raw));

            Console.WriteLine($"  POST an update:  server {post * 1000:F3} ms CPU per request; bare SDK, same 3 calls (read project, add update, replace project): {barePost * 1000:F3} ms; ratio {post / barePost:F2} (goal <= 1.50)");
            Console.WriteLine($"  GET a project:   server {get * 1000:F3} ms CPU per request; bare SDK, same 2 calls (read project, newest update): {bareGet * 1000:F3} ms; ratio {get / bareGet:F2}");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    /// <summary>What ProgressRecorder does for one update: a point read, an insert, a replace with the ETag read.</summary>
    private static async Task BarePostAsync(RawTables raw, int i)
    {
        var project = (await raw.Projects.GetEntityAsync<ProjectEntity>("p-cpu", "bare")).Value;
        var now = DateTimeOffset.UtcNow;
        var id = $"bare-{i:000000}-{Guid.NewGuid():N}"[..26];
        await raw.Updates.AddEntityAsync(new UpdateEntity
        {
            PartitionKey = UpdateStore.Partition("p-cpu", "bare"),
            RowKey = UpdateStore.RowKey(now, now, id),
            Id = id,
            ProjectId = "bare",
            ReportedAt = now,
            RecordedAt = now,
            PercentComplete = i % 100,
        });
        project.PercentComplete = i % 100;
        project.LastUpdateAt = now;
        await raw.Projects.UpdateEntityAsync(project, project.ETag, TableUpdateMode.Replace);
    }

    /// <summary>What GET project reads: the project row, and the newest update (to see whether it was applied).</summary>
    private static async Task BareGetAsync(RawTables raw)
    {
        await raw.Projects.GetEntityAsync<ProjectEntity>("p-cpu", "bare");
        await foreach (var _ in raw.Updates.QueryAsync<UpdateEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {UpdateStore.Partition("p-cpu", "bare")}"), 1))
        {
            break;
        }
    }

    private static async Task<double> ServerCpuAsync(int pid, int warmup, int count, Func<int, Task<HttpResponseMessage>> request)
    {
        for (var i = 0; i < warmup; i++)
        {
            (await request(i)).EnsureSuccessStatusCode();
        }
        var before = ServerProcess.CpuSeconds(pid);
        for (var i = 0; i < count; i++)
        {
            (await request(warmup + i)).EnsureSuccessStatusCode();
        }
        return (ServerProcess.CpuSeconds(pid) - before) / count;
    }

    private static async Task<double> ClientCpuAsync(int warmup, int count, Func<int, Task> operation)
    {
        for (var i = 0; i < warmup; i++)
        {
            await operation(i);
        }
        var before = ServerProcess.CpuSeconds(Environment.ProcessId);
        for (var i = 0; i < count; i++)
        {
            await operation(warmup + i);
        }
        return (ServerProcess.CpuSeconds(Environment.ProcessId) - before) / count;
    }
}
