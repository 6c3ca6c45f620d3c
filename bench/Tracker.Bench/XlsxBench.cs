using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Logging;
using Tracker.Spreadsheets;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// Importing the same projects from an .xlsx workbook and from CSV, through the real server on one Azurite: a dry run
/// (read, map and validate, nothing written) and the import, each into a portfolio of its own, for each row count.
/// Prints the times, the ratio xlsx / CSV, and the bytes the process allocated per import (a measure of the memory one
/// import needs; the server is in this process).
/// </summary>
public static class XlsxBench
{
    private const string AdminKey = "bench-admin-key-xlsx-0123456789abcdef0123";

    private static readonly string[] Columns = ["id", "name", "category", "status", "priority", "owner", "startDate", "targetDate", "budget", "percentComplete"];

    public static async Task RunAsync(IReadOnlyList<int> counts, int rounds)
    {
        Console.WriteLine($"xlsx benchmark: {string.Join(", ", counts)} projects, .xlsx against CSV, {rounds} rounds, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, AdminKey, minimumLevel: LogLevel.Warning);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
        var portfolio = 0;
        foreach (var count in counts)
        {
            var rows = Enumerable.Range(0, count).Select(Row).ToList();
            var csv = Encoding.UTF8.GetBytes(string.Join(",", Columns) + "\r\n" + string.Join("\r\n", rows.Select(r => string.Join(",", r))) + "\r\n");
            var xlsx = XlsxWriter.Write("bench.xlsx", Columns, ProjectSheet.Kinds, rows, "EUR").Body;
            Console.WriteLine($"  {count} rows: CSV {csv.Length / 1024.0:F0} KB, .xlsx {xlsx.Length / 1024.0:F0} KB");
            foreach (var dryRun in new[] { true, false })
            {
                double csvSeconds = 0, xlsxSeconds = 0;
                long csvBytes = 0, xlsxBytes = 0;
                for (var round = 0; round <= rounds; round++) // round 0 warms up
                {
                    var (cs, cb) = await ImportAsync(http, ++portfolio, csv, "text/csv", dryRun);
                    var (xs, xb) = await ImportAsync(http, ++portfolio, xlsx, XlsxFiles.MediaType, dryRun);
                    if (round > 0)
                    {
                        (csvSeconds, csvBytes, xlsxSeconds, xlsxBytes) = (csvSeconds + cs, csvBytes + cb, xlsxSeconds + xs, xlsxBytes + xb);
                    }
                }
                Console.WriteLine($"{count} projects, {(dryRun ? "dry run" : "import")}: CSV {csvSeconds / rounds:F2} s, .xlsx {xlsxSeconds / rounds:F2} s, " +
                    $"ratio {xlsxSeconds / csvSeconds:F2} (goal <= 1.5); allocated per import: CSV {csvBytes / rounds / 1048576.0:F0} MB, .xlsx {xlsxBytes / rounds / 1048576.0:F0} MB");
            }
        }
    }

    private static string?[] Row(int i) =>
    [
        $"p{i:00000}", $"Project {i}", (i % 3) switch { 0 => "cloud", 1 => "crm", _ => "ai" }, "active", "medium", $"owner{i % 50}@example.com",
        "2026-01-05", "2026-12-18", (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), (i % 100).ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];

    private static async Task<(double Seconds, long Allocated)> ImportAsync(HttpClient http, int portfolio, byte[] file, string mediaType, bool dryRun)
    {
        var id = $"x{portfolio}";
        (await http.PostAsJsonAsync("/api/portfolios", new { id, name = id })).EnsureSuccessStatusCode();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        var response = await http.PostAsync($"/api/portfolios/{id}/projects:import{(dryRun ? "?dryRun=true" : "")}", content);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{mediaType}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return (seconds, bytes);
    }
}
