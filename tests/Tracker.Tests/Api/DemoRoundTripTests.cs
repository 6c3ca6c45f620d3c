using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tracker.Demo;
using Tracker.Spreadsheets;
using Tracker.Testing;

namespace Tracker.Tests.Api;

/// <summary>
/// The demo's own data as a PMO would first meet it: its projects and updates exported as CSV and as .xlsx, and each
/// file imported back untouched — every row "unchanged", nothing written; the updates file imported twice under two
/// Idempotency-Keys leaves the history as it was. A server with its own Azurite and the demo seeded at start.
/// </summary>
public sealed class DemoRoundTripTests
{
    private const string AdminKey = "demo-round-trip-admin-key-0123456789abcdef";
    private const string Portfolio = DemoSeeder.PortfolioId;

    [Fact]
    public async Task UntouchedExportsOfTheDemoReimportAsUnchangedInCsvAndXlsx()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, AdminKey, new Dictionary<string, string?> { ["Tracker:SeedDemoData"] = "true" });
        using var admin = server.CreateClient(AdminKey);
        await SeededAsync(admin);
        var before = await StateAsync(admin);
        Assert.True(before.Updates.Count > 50, $"the demo has {before.Updates.Count} updates");

        foreach (var media in new[] { CsvFiles.MediaType, XlsxFiles.MediaType })
        {
            var projects = await ExportAsync(admin, $"/api/portfolios/{Portfolio}/projects", media);
            var updates = await ExportAsync(admin, $"/api/portfolios/{Portfolio}/updates", media);
            var projectReport = await HttpAssert.JsonAsync(await ImportAsync(admin, "projects", projects, media, $"projects-{media}"), 200);
            AssertAllUnchanged(projectReport, before.Projects.Count, media);
            var updateReport = await HttpAssert.JsonAsync(await ImportAsync(admin, "updates", updates, media, $"updates-{media}-1"), 200);
            AssertAllUnchanged(updateReport, before.Updates.Count, media);
            // The same file again under another key: still nothing new.
            AssertAllUnchanged(await HttpAssert.JsonAsync(await ImportAsync(admin, "updates", updates, media, $"updates-{media}-2"), 200), before.Updates.Count, media);
        }
        var after = await StateAsync(admin);
        Assert.Equal(before.Projects, after.Projects); // every project's ETag as it was: nothing rewritten
        Assert.Equal(before.Updates, after.Updates);
    }

    private static void AssertAllUnchanged(JsonElement report, int rows, string media)
    {
        var totals = report.GetProperty("totals");
        Assert.True((0, 0, 0, rows) == (totals.GetProperty("created").GetInt32(), totals.GetProperty("updated").GetInt32(), totals.GetProperty("errors").GetInt32(),
            totals.GetProperty("unchanged").GetInt32()), $"{media}: {totals}");
    }

    /// <summary>The seeder enqueues a digest run once every project and update is written.</summary>
    private static async Task SeededAsync(HttpClient admin)
    {
        for (var i = 0; i < 600; i++)
        {
            var runs = await HttpAssert.JsonAsync(await admin.GetAsync("/api/jobs?job=SendDigests"), 200);
            if (runs.GetProperty("items").GetArrayLength() > 0)
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("the demo was not seeded within a minute");
    }

    /// <summary>Every project's id and ETag, and every update's id, project and reportedAt, as the API gives them.</summary>
    private static async Task<(IReadOnlyList<string> Projects, IReadOnlyList<string> Updates)> StateAsync(HttpClient admin)
    {
        var projects = new List<string>();
        var updates = new List<string>();
        var listed = await HttpAssert.JsonAsync(await admin.GetAsync($"/api/portfolios/{Portfolio}/projects?limit=1000"), 200);
        foreach (var id in listed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).Order(StringComparer.Ordinal))
        {
            var project = await admin.GetAsync($"/api/portfolios/{Portfolio}/projects/{id}");
            Assert.Equal(HttpStatusCode.OK, project.StatusCode);
            projects.Add($"{id} {project.Headers.ETag}");
            var history = await HttpAssert.JsonAsync(await admin.GetAsync($"/api/portfolios/{Portfolio}/projects/{id}/updates?limit=1000"), 200);
            updates.AddRange(history.GetProperty("items").EnumerateArray().Select(u => $"{id} {u.GetProperty("id").GetString()} {u.GetProperty("reportedAt").GetString()}"));
        }
        return (projects, updates);
    }

    private static async Task<byte[]> ExportAsync(HttpClient admin, string path, string media)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(media));
        var response = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static Task<HttpResponseMessage> ImportAsync(HttpClient admin, string kind, byte[] file, string media, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/portfolios/{Portfolio}/{kind}:import") { Content = new ByteArrayContent(file) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(media);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return admin.SendAsync(request);
    }
}
