using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Tracker.Portfolios;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// Streams Updates rows through the Power BI feed of a separate Tracker.Server process, next to a raw SDK scan of the
/// same entities in the same run on the same Azurite: cold (a fresh process per pass, build output and ReadyToRun
/// publish, with the peak working set (VmHWM) after 10,000 and after 100,000 rows) and warm (one process, feed and scan
/// taking turns, with the CPU of the server, the scan and Azurite), then the same rows gzip and br.
/// </summary>
public static partial class FeedBench
{
    private const string AdminKey = "bench-admin-key-feed-0123456789abcdef";

    public static async Task RunAsync(int small, int large, int rounds)
    {
        Console.WriteLine($"feed benchmark: {small:N0} and {large:N0} Updates rows, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        var tables = new TableServiceClient(azurite.ConnectionString);
        await tables.CreateTableIfNotExistsAsync(UpdateStore.Name);
        var seed = Stopwatch.StartNew();
        await SeedAsync(tables.GetTableClient(UpdateStore.Name), "p-small", small);
        await SeedAsync(tables.GetTableClient(UpdateStore.Name), "p-large", large);
        Console.WriteLine($"  seeded {small + large:N0} updates in {seed.Elapsed.TotalSeconds:F1} s");

        // Cold: a fresh server process per pass, as a newly scaled-out instance serves its first refresh; from the build
        // output (JIT) and from a ReadyToRun publish. Each pass is followed by the raw scan on the same Azurite; the
        // peak working set is read after 10,000 and after 100,000 rows, each in its own process.
        var readyToRun = ServerProcess.PublishReadyToRun();
        foreach (var (build, dll) in new[] { ("build output (JIT)", ServerProcess.BuiltDll), ("ReadyToRun publish", readyToRun) })
        {
            var (smallRows, smallSeconds, smallPeak) = await StreamThroughServerAsync(azurite.ConnectionString, "p-small", dll);
            var coldRatios = new List<double>();
            long largePeak = 0;
            for (var round = 1; round <= rounds; round++)
            {
                var (largeRows, largeSeconds, peak) = await StreamThroughServerAsync(azurite.ConnectionString, "p-large", dll);
                var (rawRows, rawSeconds, _) = await RawScanAsync(tables.GetTableClient(UpdateStore.Name), "p-large");
                if (smallRows != small || largeRows != large || rawRows != large)
                {
                    throw new InvalidOperationException($"row counts differ: feed {smallRows}/{largeRows}, raw {rawRows}");
                }
                largePeak = Math.Max(largePeak, peak);
                coldRatios.Add(rawSeconds / largeSeconds);
                Console.WriteLine($"  {build}, cold round {round}: feed {largeSeconds:F2} s ({large / largeSeconds:N0} rows/s), raw scan {rawSeconds:F2} s ({large / rawSeconds:N0} rows/s), ratio {rawSeconds / largeSeconds:F2}");
            }
            Console.WriteLine($"cold server, {build}: ratio feed / raw scan, median of {rounds}: {Median(coldRatios):F2} (goal >= 0.90)");
            Console.WriteLine($"peak working set, {build}: {small:N0} rows {smallPeak / 1048576.0:F1} MiB ({smallSeconds:F2} s), {large:N0} rows {largePeak / 1048576.0:F1} MiB: " +
                $"{100.0 * (largePeak - smallPeak) / smallPeak:+0.0;-0.0}% (goal within 20%)");
        }

        // Warm: one server process, after an unmeasured pass; the feed and the raw scan take turns, so both see the
        // same Azurite and the same machine load, then the same rows gzip (what Power BI asks for) and br.
        var warm = await WarmPassesAsync(azurite, tables.GetTableClient(UpdateStore.Name), "p-large", rounds, ["gzip", "br"]);
        var ratios = warm.Rounds.Select(r => r.Raw.Seconds / r.Feed.Seconds).ToList();
        foreach (var (round, i) in warm.Rounds.Select((r, i) => (r, i)))
        {
            Console.WriteLine($"  warm round {i + 1}: feed {round.Feed.Seconds:F2} s (server CPU {round.Feed.CpuSeconds * 1e6 / large:F1} us per row), " +
                $"raw scan {round.Raw.Seconds:F2} s (this process's CPU {round.Raw.CpuSeconds * 1e6 / large:F1} us per row), ratio {ratios[i]:F2}; " +
                $"Azurite busy {round.AzuriteFeedCpu / round.Feed.Seconds:P0} of the feed's time ({round.AzuriteFeedCpu:F2} s CPU), {round.AzuriteRawCpu / round.Raw.Seconds:P0} of the scan's ({round.AzuriteRawCpu:F2} s)");
        }
        Console.WriteLine($"warm server: ratio feed / raw scan, median of {rounds}: {Median(ratios):F2} (goal >= 0.90); " +
            $"server CPU per row {Median(warm.Rounds.Select(r => r.Feed.CpuSeconds * 1e6 / large)):F1} us, raw scan {Median(warm.Rounds.Select(r => r.Raw.CpuSeconds * 1e6 / large)):F1} us");

        var identity = warm.Rounds[^1].Feed;
        foreach (var pass in warm.Encoded.Prepend(identity))
        {
            if (pass.Rows != large)
            {
                throw new InvalidOperationException($"{pass.Encoding ?? "identity"}: {pass.Rows} rows");
            }
            Console.WriteLine($"  {pass.Encoding ?? "identity",-8} {large:N0} rows: {pass.Bytes / 1048576.0,7:F1} MiB on the wire ({(double)pass.Bytes / identity.Bytes:P0}), " +
                $"{pass.Seconds:F2} s, server CPU {pass.CpuSeconds * 1e6 / large:F1} us per row ({pass.CpuSeconds / identity.CpuSeconds - 1:+0%;-0%} vs identity)");
        }
        var gzip = warm.Encoded.Single(p => p.Encoding == "gzip");
        Console.WriteLine($"gzip: {(double)gzip.Bytes / identity.Bytes:F3} of the bytes (goal <= 0.200), server CPU per row {gzip.CpuSeconds / identity.CpuSeconds:F2}x identity (goal <= 1.10)");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>A feed pass and a raw scan, each with the CPU Azurite spent serving it.</summary>
    private sealed record WarmRound(EncodingPass Feed, (long Rows, double Seconds, double CpuSeconds) Raw, double AzuriteFeedCpu, double AzuriteRawCpu);

    private sealed record Warm(List<WarmRound> Rounds, List<EncodingPass> Encoded);

    /// <summary>
    /// In one server process: an unmeasured pass (JIT, Azurite's caches), then rounds of the feed (identity) and the raw
    /// scan in turn, then one pass per further encoding; each with wire bytes, time and the server's CPU.
    /// </summary>
    private static async Task<Warm> WarmPassesAsync(Azurite azurite, TableClient table, string portfolio, int rounds, string[] encodings)
    {
        using var server = ServerProcess.Start(azurite.ConnectionString, AdminKey, out var port);
        try
        {
            using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromMinutes(10),
            };
            http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
            await ServerProcess.WaitForHealthAsync(http);
            await StreamPassAsync(http, server.Id, portfolio, null);
            await RawScanAsync(table, portfolio);
            var measured = new List<WarmRound>();
            for (var round = 0; round < rounds; round++)
            {
                var azuriteCpu = ServerProcess.CpuSeconds(azurite.ProcessId);
                var feed = await StreamPassAsync(http, server.Id, portfolio, null);
                var azuriteForFeed = ServerProcess.CpuSeconds(azurite.ProcessId) - azuriteCpu;
                azuriteCpu = ServerProcess.CpuSeconds(azurite.ProcessId);
                var raw = await RawScanAsync(table, portfolio);
                measured.Add(new WarmRound(feed, raw, azuriteForFeed, ServerProcess.CpuSeconds(azurite.ProcessId) - azuriteCpu));
            }
            var encoded = new List<EncodingPass>();
            foreach (var encoding in encodings)
            {
                encoded.Add(await StreamPassAsync(http, server.Id, portfolio, encoding));
            }
            return new Warm(measured, encoded);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private sealed record EncodingPass(string? Encoding, long Rows, long Bytes, double Seconds, double CpuSeconds);

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
            var (pageRows, next) = ReadPage(Decode(wire, response.Content.Headers.ContentEncoding.SingleOrDefault()));
            rows += pageRows;
            url = next;
        }
        return new EncodingPass(encoding, rows, bytes, stopwatch.Elapsed.TotalSeconds, ServerProcess.CpuSeconds(pid) - cpu);
    }

    private static byte[] Decode(byte[] wire, string? encoding)
    {
        if (encoding is null)
        {
            return wire;
        }
        using Stream decoder = encoding switch
        {
            "gzip" => new System.IO.Compression.GZipStream(new MemoryStream(wire), System.IO.Compression.CompressionMode.Decompress),
            "br" => new System.IO.Compression.BrotliStream(new MemoryStream(wire), System.IO.Compression.CompressionMode.Decompress),
            _ => throw new InvalidOperationException($"unexpected Content-Encoding {encoding}"),
        };
        using var plain = new MemoryStream();
        decoder.CopyTo(plain);
        return plain.ToArray();
    }

    /// <summary>
    /// The rows of a page (each has one "Id" property) and its next link. The client only counts and follows, at a
    /// few microseconds per page, so that the time measured is the server's and storage's, not a JSON parser's.
    /// </summary>
    private static (long Rows, string? Next) ReadPage(byte[] page)
    {
        var rows = ((ReadOnlySpan<byte>)page).Count("\"Id\":"u8);
        var at = ((ReadOnlySpan<byte>)page).LastIndexOf("\"@odata.nextLink\":\""u8);
        if (at < 0)
        {
            return (rows, null);
        }
        var link = page.AsSpan(at + "\"@odata.nextLink\":\""u8.Length);
        return (rows, Regex.Unescape(System.Text.Encoding.UTF8.GetString(link[..link.IndexOf((byte)'"')])));
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

    private static async Task<(long Rows, double Seconds, long PeakBytes)> StreamThroughServerAsync(string connectionString, string portfolio, string dll)
    {
        using var server = ServerProcess.Start(connectionString, AdminKey, out var port, dll);
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
                var (pageRows, next) = ReadPage(await http.GetByteArrayAsync(url));
                rows += pageRows;
                url = next;
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

    private static async Task<(long Rows, double Seconds, double CpuSeconds)> RawScanAsync(TableClient table, string portfolio)
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
        return (rows, stopwatch.Elapsed.TotalSeconds, ServerProcess.CpuSeconds(Environment.ProcessId) - cpu);
    }

    /// <summary>VmHWM: the process's peak resident set size, in bytes.</summary>
    private static long PeakWorkingSet(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(Digits().Match(line).Value, System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    [GeneratedRegex("\\d+")]
    private static partial Regex Digits();
}
