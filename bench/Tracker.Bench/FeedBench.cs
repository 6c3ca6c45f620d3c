using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Tracker.Testing;
using Tracker.Updates;

namespace Tracker.Bench;

/// <summary>
/// Streams Updates rows through the Power BI feed of a separate Tracker.Server process, next to a raw SDK scan of the
/// same entities in the same run, and reads the server's peak working set (VmHWM) after 10,000 and after 100,000
/// rows, each in a fresh server process.
/// </summary>
public static partial class FeedBench
{
    private const string AdminKey = "bench-admin-key-feed-0123456789abcdef";

    public static async Task RunAsync(int small, int large)
    {
        Console.WriteLine($"feed benchmark: {small:N0} and {large:N0} Updates rows, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        var tables = new TableServiceClient(azurite.ConnectionString);
        await tables.CreateTableIfNotExistsAsync(UpdateStore.Name);
        var seed = Stopwatch.StartNew();
        await SeedAsync(tables.GetTableClient(UpdateStore.Name), "p-small", small);
        await SeedAsync(tables.GetTableClient(UpdateStore.Name), "p-large", large);
        Console.WriteLine($"  seeded {small + large:N0} updates in {seed.Elapsed.TotalSeconds:F1} s");

        var (smallRows, smallSeconds, smallPeak) = await StreamThroughServerAsync(azurite.ConnectionString, "p-small");
        var (largeRows, largeSeconds, largePeak) = await StreamThroughServerAsync(azurite.ConnectionString, "p-large");
        var (rawRows, rawSeconds) = await RawScanAsync(tables.GetTableClient(UpdateStore.Name), "p-large");
        if (smallRows != small || largeRows != large || rawRows != large)
        {
            throw new InvalidOperationException($"row counts differ: feed {smallRows}/{largeRows}, raw {rawRows}");
        }
        Console.WriteLine($"  feed, {small:N0} rows:  {smallSeconds:F2} s, server peak working set {smallPeak / 1048576.0:F1} MiB");
        Console.WriteLine($"  feed, {large:N0} rows: {largeSeconds:F2} s, server peak working set {largePeak / 1048576.0:F1} MiB");
        Console.WriteLine($"  raw SDK scan, {large:N0} rows: {rawSeconds:F2} s");
        Console.WriteLine($"feed throughput {large / largeSeconds:N0} rows/s, raw scan {large / rawSeconds:N0} rows/s, ratio {rawSeconds / largeSeconds:F2} (goal >= 0.50)");
        Console.WriteLine($"peak working set {large:N0} vs {small:N0} rows: {100.0 * (largePeak - smallPeak) / smallPeak:+0.0;-0.0}% (goal within 20%)");
    }

    private static async Task SeedAsync(TableClient table, string portfolio, int rows)
    {
        const int perProject = 500;
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await Parallel.ForEachAsync(Enumerable.Range(0, (rows + perProject - 1) / perProject), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (p, ct) =>
        {
            var project = $"proj-{p:0000}";
            var count = Math.Min(perProject, rows - p * perProject);
            var actions = Enumerable.Range(0, count).Select(u =>
            {
                var at = start.AddMinutes(u * 97 + p);
                var id = $"{portfolio}-{p:0000}-{u:0000}";
                return new TableTransactionAction(TableTransactionActionType.Add, new UpdateEntity
                {
                    PartitionKey = UpdateStore.Partition(portfolio, project),
                    RowKey = UpdateStore.RowKey(at, at, id),
                    Id = id,
                    ProjectId = project,
                    ReportedAt = at,
                    RecordedAt = at,
                    PercentComplete = u % 100,
                    Spend = u * 250.0,
                    Note = u % 5 == 0 ? "Steering committee review" : null,
                    ReportedBy = "lead@example.com",
                });
            }).ToList();
            for (var i = 0; i < actions.Count; i += 100)
            {
                await table.SubmitTransactionAsync(actions.Skip(i).Take(100), ct);
            }
        });
    }

    private static async Task<(long Rows, double Seconds, long PeakBytes)> StreamThroughServerAsync(string connectionString, string portfolio)
    {
        var port = Azurite.FreePort();
        var dll = Path.Combine(RepoRoot.Find(), "src", "Tracker.Server", "bin", "Release", "net10.0", "Tracker.Server.dll");
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { dll, "--urls", $"http://127.0.0.1:{port}" }, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__ConnectionString"] = connectionString;
        start.Environment["Tracker__BootstrapAdminKey"] = AdminKey;
        start.Environment["Jobs__SchedulerEnabled"] = "false";
        start.Environment["RateLimits__Enabled"] = "false"; // a benchmark measures throughput, not the limits
        using var server = Process.Start(start) ?? throw new InvalidOperationException("server did not start");
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
            for (var i = 0; ; i++)
            {
                try
                {
                    if ((await http.GetAsync("/api/health")).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (i < 100)
                {
                }
                await Task.Delay(200);
            }
            // Power BI loads the metadata first; do the same so the peak includes it.
            (await http.GetAsync("/api/odata/$metadata")).EnsureSuccessStatusCode();
            var stopwatch = Stopwatch.StartNew();
            var url = $"/api/odata/Updates?$filter={Uri.EscapeDataString($"PortfolioId eq '{portfolio}'")}";
            long rows = 0;
            while (url is not null)
            {
                var page = await http.GetStringAsync(url);
                rows += IdProperty().Count(page);
                var next = NextLink().Match(page);
                url = next.Success ? Regex.Unescape(next.Groups[1].Value) : null;
            }
            var seconds = stopwatch.Elapsed.TotalSeconds;
            return (rows, seconds, PeakWorkingSet(server.Id));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static async Task<(long Rows, double Seconds)> RawScanAsync(TableClient table, string portfolio)
    {
        var stopwatch = Stopwatch.StartNew();
        long rows = 0;
        var (from, before) = UpdateStore.PortfolioPartitions(portfolio);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {before}");
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, 1000))
        {
            rows++;
        }
        return (rows, stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>VmHWM: the process's peak resident set size, in bytes.</summary>
    private static long PeakWorkingSet(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(Digits().Match(line).Value, System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    [GeneratedRegex("\"Id\":")]
    private static partial Regex IdProperty();

    [GeneratedRegex("\"@odata.nextLink\":\"([^\"]+)\"")]
    private static partial Regex NextLink();

    [GeneratedRegex("\\d+")]
    private static partial Regex Digits();
}
