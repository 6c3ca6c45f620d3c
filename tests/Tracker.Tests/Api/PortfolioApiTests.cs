using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tracker.Tests.Api;

[Collection("api")]
public sealed class PortfolioApiTests(ApiFixture api)
{
    [Fact]
    public async Task CreatingAPortfolioReturnsItWithLocationAndETag()
    {
        var id = ApiFixture.NewId("pf");
        var response = await api.Admin.PostAsJsonAsync("/api/portfolios",
            new { id, name = "EMEA transformation", owner = "pmo@example.com", timeZone = "Europe/Amsterdam", currency = "EUR" });

        var body = await HttpAssert.JsonAsync(response, 201);
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal("EMEA transformation", body.GetProperty("name").GetString());
        Assert.Equal("Europe/Amsterdam", body.GetProperty("timeZone").GetString());
        Assert.Equal($"/api/portfolios/{id}", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.ETag);

        var read = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{id}"), 200);
        Assert.Equal("pmo@example.com", read.GetProperty("owner").GetString());
    }

    [Fact]
    public async Task AServerGeneratedIdIsSortableAndUrlSafe()
    {
        var first = await HttpAssert.JsonAsync(await api.Admin.PostAsJsonAsync("/api/portfolios", new { name = "First" }), 201);
        await Task.Delay(5);
        var second = await HttpAssert.JsonAsync(await api.Admin.PostAsJsonAsync("/api/portfolios", new { name = "Second" }), 201);

        var a = first.GetProperty("id").GetString()!;
        var b = second.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-z]{26}$", a);
        Assert.True(string.CompareOrdinal(a, b) < 0, $"{a} should sort before {b}");
        Assert.Equal("UTC", first.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task ListingPortfoliosPagesWithAContinuationToken()
    {
        for (var i = 0; i < 3; i++)
        {
            await api.CreatePortfolioAsync();
        }
        var seen = new HashSet<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = "/api/portfolios?limit=2" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await HttpAssert.JsonAsync(await api.Admin.GetAsync(url), 200);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 2);
            foreach (var item in items)
            {
                Assert.True(seen.Add(item.GetProperty("id").GetString()!), "no portfolio appears twice");
            }
            token = page.GetProperty("continuationToken").ValueKind == JsonValueKind.Null ? null : page.GetProperty("continuationToken").GetString();
            pages++;
        }
        while (token is not null);
        Assert.True(seen.Count >= 3);
        Assert.True(pages >= 2);
    }

    [Fact]
    public async Task PatchWithTheCurrentETagChangesOnlyTheFieldsSent()
    {
        var id = await api.CreatePortfolioAsync();
        var read = await api.Admin.GetAsync($"/api/portfolios/{id}");
        var etag = read.Headers.ETag!;

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/portfolios/{id}")
        {
            Content = HttpAssert.Json("""{"name":"Renamed"}""", "application/merge-patch+json"),
        };
        patch.Headers.IfMatch.Add(etag);
        var body = await HttpAssert.JsonAsync(await api.Admin.SendAsync(patch), 200);

        Assert.Equal("Renamed", body.GetProperty("name").GetString());
        Assert.Equal("Europe/Amsterdam", body.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task PatchWithAStaleETagIs412AndWritesNothing()
    {
        var id = await api.CreatePortfolioAsync();
        var stale = (await api.Admin.GetAsync($"/api/portfolios/{id}")).Headers.ETag!;
        await api.Admin.PatchAsync($"/api/portfolios/{id}", HttpAssert.Json("""{"name":"First change"}"""));

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/portfolios/{id}") { Content = HttpAssert.Json("""{"name":"Lost update"}""") };
        patch.Headers.IfMatch.Add(stale);
        await HttpAssert.ProblemAsync(await api.Admin.SendAsync(patch), 412);

        var now = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{id}"), 200);
        Assert.Equal("First change", now.GetProperty("name").GetString());
    }

    [Fact]
    public async Task PatchingTheIdIsAValidationError()
    {
        var id = await api.CreatePortfolioAsync();
        var problem = await HttpAssert.ProblemAsync(await api.Admin.PatchAsync($"/api/portfolios/{id}", HttpAssert.Json("""{"id":"other"}""")), 400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _));
    }

    [Fact]
    public async Task DeletingAnEmptyPortfolioNeedsAdminAndRemovesIt()
    {
        var id = await api.CreatePortfolioAsync();
        var writer = api.Client(await api.CreateKeyAsync("writer"));
        await HttpAssert.ProblemAsync(await writer.DeleteAsync($"/api/portfolios/{id}"), 403);

        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.DeleteAsync($"/api/portfolios/{id}")).StatusCode);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{id}"), 404);
    }

    [Fact]
    public async Task DeletingAPortfolioWithProjectsIsAConflict()
    {
        var id = await api.CreatePortfolioAsync();
        await api.CreateProjectAsync(id);
        await HttpAssert.ProblemAsync(await api.Admin.DeleteAsync($"/api/portfolios/{id}"), 409);
        await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{id}"), 200);
    }

    [Fact]
    public async Task DeleteWithAStaleETagIs412AndKeepsThePortfolio()
    {
        var id = await api.CreatePortfolioAsync();
        var stale = (await api.Admin.GetAsync($"/api/portfolios/{id}")).Headers.ETag!;
        await api.Admin.PatchAsync($"/api/portfolios/{id}", HttpAssert.Json("""{"owner":"new@example.com"}"""));
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/portfolios/{id}");
        delete.Headers.IfMatch.Add(stale);
        await HttpAssert.ProblemAsync(await api.Admin.SendAsync(delete), 412);
        await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{id}"), 200);
    }

    [Fact]
    public async Task ADuplicateIdIs409AndKeepsTheFirst()
    {
        var id = await api.CreatePortfolioAsync();
        await HttpAssert.ProblemAsync(await api.Admin.PostAsJsonAsync("/api/portfolios", new { id, name = "Impostor" }), 409);
        var read = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{id}"), 200);
        Assert.NotEqual("Impostor", read.GetProperty("name").GetString());
    }

    [Fact]
    public async Task AnUnknownPortfolioIs404()
    {
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync("/api/portfolios/does-not-exist"), 404);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync("/api/portfolios/NOT_A_VALID_ID"), 404);
    }

    [Fact]
    public async Task ValidationNamesEveryBadField()
    {
        var response = await api.Admin.PostAsJsonAsync("/api/portfolios",
            new { id = "Bad Id!", name = "", owner = "not-an-email", timeZone = "Mars/Olympus", currency = "euro" });
        var problem = await HttpAssert.ProblemAsync(response, 400);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "id", "name", "owner", "timeZone", "currency" })
        {
            Assert.True(errors.TryGetProperty(field, out var messages), $"errors should name {field}");
            Assert.NotEmpty(messages.EnumerateArray());
        }
    }

    [Fact]
    public async Task AScopedKeySeesOnlyItsPortfolios()
    {
        var mine = await api.CreatePortfolioAsync();
        var other = await api.CreatePortfolioAsync();
        var reader = api.Client(await api.CreateKeyAsync("reader", mine));

        var list = await HttpAssert.JsonAsync(await reader.GetAsync("/api/portfolios"), 200);
        var ids = list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal([mine], ids);
        await HttpAssert.JsonAsync(await reader.GetAsync($"/api/portfolios/{mine}"), 200);
        await HttpAssert.ProblemAsync(await reader.GetAsync($"/api/portfolios/{other}"), 403);
    }

    [Fact]
    public async Task ETagHeaderIsAValidEntityTag()
    {
        var id = await api.CreatePortfolioAsync();
        var response = await api.Admin.GetAsync($"/api/portfolios/{id}");
        Assert.True(EntityTagHeaderValue.TryParse(response.Headers.ETag!.ToString(), out _));
    }
}
