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

        // Compression, in one warm server process: the same rows as they are, gzip (what Power BI asks for) and br.
        var passes = await EncodingPassesAsync(azurite.ConnectionString, "p-large", [null, "gzip", "br"]);
        var identity = passes[0];
        foreach (var pass in passes)
        {
            if (pass.Rows != large)
            {
                throw new InvalidOperationException($"{pass.Encoding ?? "identity"}: {pass.Rows} rows");
            }
            Console.WriteLine($"  {pass.Encoding ?? "identity",-8} {large:N0} rows: {pass.Bytes / 1048576.0,7:F1} MiB on the wire ({(double)pass.Bytes / identity.Bytes:P0}), " +
                $"{pass.Seconds:F2} s, server CPU {pass.CpuSeconds * 1e6 / large:F1} us per row ({pass.CpuSeconds / identity.CpuSeconds - 1:+0%;-0%} vs identity)");
        }
        var gzip = passes[1];
        Console.WriteLine($"gzip: {(double)gzip.Bytes / identity.Bytes:F3} of the bytes (goal <= 0.200), server CPU per row {gzip.CpuSeconds / identity.CpuSeconds:F2}x identity (goal <= 1.10)");
    }

    private sealed record EncodingPass(string? Encoding, long Rows, long Bytes, double Seconds, double CpuSeconds);

    /// <summary>Streams the portfolio's rows once to warm up, then once per encoding, measuring wire bytes, time and the server's CPU.</summary>
    private static async Task<List<EncodingPass>> EncodingPassesAsync(string connectionString, string portfolio, string?[] encodings)
    {
        using var server = ServerProcess.Start(connectionString, AdminKey, out var port);
        try
        {
            using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromMinutes(10),
            };
            http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
            await ServerProcess.WaitForHealthAsync(http);
            await StreamPassAsync(http, server.Id, portfolio, null); // warm-up: JIT, Azurite's caches
            var passes = new List<EncodingPass>();
            foreach (var encoding in encodings)
            {
                passes.Add(await StreamPassAsync(http, server.Id, portfolio, encoding));
            }
            return passes;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static async Task<EncodingPass> StreamPassAsync(HttpClient http, int pid, string portfolio, string? encoding)
    {
        var cpu = ServerProcess.CpuSeconds(pid);
        var stopwatch = Stopwatch.StartNew();
        var url = $"/api/odata/Updates?$filter={Uri.EscapeDataString($"PortfolioId eq '{portfolio}'")}";
        long rows = 0, bytes = 0;
        while (url is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (encoding is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept-Encoding", encoding);
            }
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var wire = await response.Content.ReadAsByteArrayAsync();
            bytes += wire.Length;
            var page = Decode(wire, response.Content.Headers.ContentEncoding.SingleOrDefault());
            rows += IdProperty().Count(page);
            var next = NextLink().Match(page);
            url = next.Success ? Regex.Unescape(next.Groups[1].Value) : null;
        }
        return new EncodingPass(encoding, rows, bytes, stopwatch.Elapsed.TotalSeconds, ServerProcess.CpuSeconds(pid) - cpu);
    }

    private static string Decode(byte[] wire, string? encoding)
    {
        using Stream decoder = encoding switch
        {
            "gzip" => new System.IO.Compression.GZipStream(new MemoryStream(wire), System.IO.Compression.CompressionMode.Decompress),
            "br" => new System.IO.Compression.BrotliStream(new MemoryStream(wire), System.IO.Compression.CompressionMode.Decompress),
            _ => new MemoryStream(wire),
        };
        using var reader = new StreamReader(decoder);
        return reader.ReadToEnd();
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
        using var server = ServerProcess.Start(connectionString, AdminKey, out var port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
            await ServerProcess.WaitForHealthAsync(http);
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
        var cpu = ServerProcess.CpuSeconds(Environment.ProcessId);
        var stopwatch = Stopwatch.StartNew();
        long rows = 0;
        var (from, before) = UpdateStore.PortfolioPartitions(portfolio);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {before}");
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, 1000))
        {
            rows++;
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"  raw SDK scan: this process's CPU {(ServerProcess.CpuSeconds(Environment.ProcessId) - cpu) * 1e6 / rows:F1} us per row");
        return (rows, seconds);
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
