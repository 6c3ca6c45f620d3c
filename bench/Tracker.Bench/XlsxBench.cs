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
/// Prints the times, the ratio xlsx / CSV, the bytes the process allocated per import, and the peak of the managed
/// heap during an import above the heap before it (sampled every 2 ms; the server is in this process): the memory one
/// import holds at once. Then the refusals: a zip bomb and an oversized file, with the heap's peak while they are refused.
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
                long csvBytes = 0, xlsxBytes = 0, csvPeak = 0, xlsxPeak = 0;
                for (var round = 0; round <= rounds; round++) // round 0 warms up
                {
                    var (cs, cb, cp) = await ImportAsync(http, ++portfolio, csv, "text/csv", dryRun);
                    var (xs, xb, xp) = await ImportAsync(http, ++portfolio, xlsx, XlsxFiles.MediaType, dryRun);
                    if (round > 0)
                    {
                        (csvSeconds, csvBytes, xlsxSeconds, xlsxBytes) = (csvSeconds + cs, csvBytes + cb, xlsxSeconds + xs, xlsxBytes + xb);
                        (csvPeak, xlsxPeak) = (Math.Max(csvPeak, cp), Math.Max(xlsxPeak, xp));
                    }
                }
                Console.WriteLine($"{count} projects, {(dryRun ? "dry run" : "import")}: CSV {csvSeconds / rounds:F2} s, .xlsx {xlsxSeconds / rounds:F2} s, " +
                    $"ratio {xlsxSeconds / csvSeconds:F2} (goal <= 1.5); allocated per import: CSV {csvBytes / rounds / 1048576.0:F0} MB, .xlsx {xlsxBytes / rounds / 1048576.0:F0} MB; " +
                    $"heap peak above the start: CSV {csvPeak / 1048576.0:F1} MB, .xlsx {xlsxPeak / 1048576.0:F1} MB");
            }
        }
        var bomb = HostileWorkbooks.ZipBomb();
        var (_, _, bombPeak) = await ImportAsync(http, ++portfolio, bomb, XlsxFiles.MediaType, dryRun: false, expected: 413);
        Console.WriteLine($"zip bomb ({bomb.Length / 1024.0:F0} KB expanding to 80 MB): 413, heap peak above the start {bombPeak / 1048576.0:F1} MB");
        var small = XlsxWriter.Write("small.xlsx", Columns, ProjectSheet.Kinds, [.. Enumerable.Range(0, 10).Select(Row)], "EUR").Body;
        var encrypted = new byte[64 * 1024];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(encrypted, 0);
        foreach (var (name, file, status) in new[]
        {
            ("an encrypted workbook (an OLE file, 64 KB)", encrypted, 415),
            ("a macro-enabled workbook (.xlsm)", HostileWorkbooks.WithEntry(small, "[Content_Types].xml", xml => xml.Replace("sheet.main+xml", "sheet.macroEnabled.main+xml", StringComparison.Ordinal)), 415),
            ("a sheet with a DTD", HostileWorkbooks.WithEntry(small, "xl/worksheets/", xml => xml.Replace("<x:worksheet", "<!DOCTYPE x:worksheet [<!ENTITY a \"aaaaaaaaaa\">]><x:worksheet", StringComparison.Ordinal)), 400),
        })
        {
            var (_, _, refusedPeak) = await ImportAsync(http, ++portfolio, file, XlsxFiles.MediaType, dryRun: false, expected: status);
            Console.WriteLine($"{name}: {status}, heap peak above the start {refusedPeak / 1048576.0:F1} MB");
        }
        var tooMany = Enumerable.Range(0, CsvFiles.MaxRows + 1).Select(Row).ToList();
        var big = XlsxWriter.Write("big.xlsx", Columns, ProjectSheet.Kinds, tooMany, "EUR").Body;
        var (_, _, bigPeak) = await ImportAsync(http, ++portfolio, big, XlsxFiles.MediaType, dryRun: false, expected: 413);
        Console.WriteLine($"{tooMany.Count:N0} rows ({big.Length / 1024.0:F0} KB): 413, heap peak above the start {bigPeak / 1048576.0:F1} MB");
    }

    private static string?[] Row(int i) =>
    [
        $"p{i:00000}", $"Project {i}", (i % 3) switch { 0 => "cloud", 1 => "crm", _ => "ai" }, "active", "medium", $"owner{i % 50}@example.com",
        "2026-01-05", "2026-12-18", (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), (i % 100).ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];

    private static async Task<(double Seconds, long Allocated, long Peak)> ImportAsync(HttpClient http, int portfolio, byte[] file, string mediaType, bool dryRun,
        int expected = 200)
    {
        var id = $"x{portfolio}";
        (await http.PostAsJsonAsync("/api/portfolios", new { id, name = id })).EnsureSuccessStatusCode();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        // A plain thread samples the heap (a timer-driven task loop disturbed the allocation count it sits beside).
        var sampling = true;
        long highest = 0;
        var sampler = new Thread(() =>
        {
            while (Volatile.Read(ref sampling))
            {
                highest = Math.Max(highest, GC.GetTotalMemory(false));
                Thread.Sleep(2);
            }
        })
        { IsBackground = true };
        sampler.Start();
        var started = Stopwatch.GetTimestamp();
        var response = await http.PostAsync($"/api/portfolios/{id}/projects:import{(dryRun ? "?dryRun=true" : "")}", content);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Volatile.Write(ref sampling, false);
        sampler.Join();
        if ((int)response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{mediaType}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return (seconds, bytes, Math.Max(0, highest - before));
    }
}
