using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tracker.Tests.Api;

[Collection("api")]
public sealed class ProjectApiTests(ApiFixture api)
{
    [Fact]
    public async Task CreatingAProjectReturnsTheWireFormat()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var response = await api.Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects", new
        {
            id = "crm-consolidation",
            name = "CRM consolidation",
            category = "crm",
            status = "active",
            priority = "high",
            owner = "ana@example.com",
            startDate = "2026-01-05",
            targetDate = "2026-12-18",
            budget = 250000,
            spend = 120000,
            percentComplete = 45,
            customerEngagement = true,
            customerKpi = "NPS",
            financialMeasure = "churn cost",
        });

        var p = await HttpAssert.JsonAsync(response, 201);
        Assert.Equal("crm-consolidation", p.GetProperty("id").GetString());
        Assert.Equal(portfolio, p.GetProperty("portfolioId").GetString());
        Assert.Equal("crm", p.GetProperty("category").GetString());
        Assert.Equal("high", p.GetProperty("priority").GetString());
        Assert.Equal("2026-01-05", p.GetProperty("startDate").GetString());
        Assert.Equal("2026-12-18", p.GetProperty("targetDate").GetString());
        Assert.Equal(250000m, p.GetProperty("budget").GetDecimal());
        Assert.Equal(45m, p.GetProperty("percentComplete").GetDecimal());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("lastUpdateAt").ValueKind);
        Assert.Equal($"/api/portfolios/{portfolio}/projects/crm-consolidation", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task CreatingAProjectInAnUnknownPortfolioIs404()
    {
        var response = await api.Admin.PostAsJsonAsync("/api/portfolios/no-such-portfolio/projects",
            new { name = "Orphan", category = "ai", startDate = "2026-01-01" });
        await HttpAssert.ProblemAsync(response, 404);
    }

    [Fact]
    public async Task ValidationNamesTheFieldsOfAProject()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var response = await api.Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects",
            new { name = "X", startDate = "2026-05-01", targetDate = "2026-04-01", budget = -5, percentComplete = 140 });
        var errors = (await HttpAssert.ProblemAsync(response, 400)).GetProperty("errors");
        foreach (var field in new[] { "category", "targetDate", "budget", "percentComplete" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}");
        }
    }

    [Fact]
    public async Task AnUnknownEnumValueIs400NamingTheField()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var response = await api.Admin.PostAsync($"/api/portfolios/{portfolio}/projects",
            HttpAssert.Json("""{"name":"X","category":"blockchain","startDate":"2026-01-01"}"""));
        var errors = (await HttpAssert.ProblemAsync(response, 400)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("category", out _));
    }

    [Fact]
    public async Task AnUnknownFieldIs400NamingIt()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var response = await api.Admin.PostAsync($"/api/portfolios/{portfolio}/projects",
            HttpAssert.Json("""{"name":"X","category":"ai","startDate":"2026-01-01","percentCompleted":5}"""));
        var errors = (await HttpAssert.ProblemAsync(response, 400)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("percentCompleted", out _));
    }

    [Fact]
    public async Task ListingFiltersByStatusCategoryAndPriority()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var cloudHigh = await api.CreateProjectAsync(portfolio, category: "cloud", priority: "high");
        await api.CreateProjectAsync(portfolio, category: "cloud", priority: "low");
        var crmHigh = await api.CreateProjectAsync(portfolio, category: "crm", priority: "high");
        var onHold = await api.CreateProjectAsync(portfolio, category: "ai", status: "onHold");

        async Task<List<string>> Ids(string query)
        {
            var page = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects{query}"), 200);
            return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).Order()];
        }

        Assert.Equal(4, (await Ids("")).Count);
        Assert.Equal(new[] { cloudHigh, crmHigh }.Order(), await Ids("?priority=high"));
        Assert.Equal([cloudHigh], await Ids("?priority=high&category=cloud"));
        Assert.Equal([onHold], await Ids("?status=onHold"));
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects?status=paused"), 400);
    }

    [Fact]
    public async Task ListingPagesThroughEveryProjectOnce()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var created = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await api.CreateProjectAsync(portfolio));
        }
        var seen = new List<string>();
        string? token = null;
        do
        {
            var url = $"/api/portfolios/{portfolio}/projects?limit=2" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await HttpAssert.JsonAsync(await api.Admin.GetAsync(url), 200);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            token = page.GetProperty("continuationToken").GetString();
        }
        while (token is not null);
        Assert.Equal(created.Order(), seen.Order());
    }

    [Fact]
    public async Task AContinuationTokenFromAnotherQueryOrForgedIs400()
    {
        var portfolio = await api.CreatePortfolioAsync();
        for (var i = 0; i < 3; i++)
        {
            await api.CreateProjectAsync(portfolio);
        }
        var page = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects?limit=1"), 200);
        var token = page.GetProperty("continuationToken").GetString()!;
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects?limit=1&status=active&continuationToken={Uri.EscapeDataString(token)}"), 400);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects?continuationToken=PartitionKey%20eq%20'x'"), 400);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects?limit=5000"), 400);
    }

    [Fact]
    public async Task PatchChangesDescriptiveFieldsButNotMeasuredOnes()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var project = await api.CreateProjectAsync(portfolio);
        var ok = await HttpAssert.JsonAsync(await api.Admin.PatchAsync($"/api/portfolios/{portfolio}/projects/{project}",
            HttpAssert.Json("""{"name":"Renamed","customerKpi":null,"targetDate":"2027-03-31"}""", "application/merge-patch+json")), 200);
        Assert.Equal("Renamed", ok.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, ok.GetProperty("customerKpi").ValueKind);
        Assert.Equal("2027-03-31", ok.GetProperty("targetDate").GetString());

        var problem = await HttpAssert.ProblemAsync(await api.Admin.PatchAsync($"/api/portfolios/{portfolio}/projects/{project}",
            HttpAssert.Json("""{"percentComplete":99}""")), 400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("percentComplete", out _));
    }

    [Fact]
    public async Task PatchWithAStaleETagIs412AndWritesNothing()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var project = await api.CreateProjectAsync(portfolio);
        var url = $"/api/portfolios/{portfolio}/projects/{project}";
        var stale = (await api.Admin.GetAsync(url)).Headers.ETag!;
        await HttpAssert.JsonAsync(await api.Admin.PatchAsync(url, HttpAssert.Json("""{"name":"Newer"}""")), 200);

        var patch = new HttpRequestMessage(HttpMethod.Patch, url) { Content = HttpAssert.Json("""{"name":"Older"}""") };
        patch.Headers.IfMatch.Add(stale);
        await HttpAssert.ProblemAsync(await api.Admin.SendAsync(patch), 412);
        Assert.Equal("Newer", (await HttpAssert.JsonAsync(await api.Admin.GetAsync(url), 200)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task DeletingAProjectRemovesItAndItsHistory()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var project = await api.CreateProjectAsync(portfolio);
        var url = $"/api/portfolios/{portfolio}/projects/{project}";
        await HttpAssert.JsonAsync(await api.Admin.PostAsJsonAsync(url + "/updates", new { percentComplete = 10 }), 201);

        var etag = (await api.Admin.GetAsync(url)).Headers.ETag!;
        var delete = new HttpRequestMessage(HttpMethod.Delete, url);
        delete.Headers.IfMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.SendAsync(delete)).StatusCode);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync(url), 404);

        // Recreated under the same id, it starts with an empty history.
        await api.CreateProjectAsync(portfolio, project);
        var history = await HttpAssert.JsonAsync(await api.Admin.GetAsync(url + "/updates"), 200);
        Assert.Empty(history.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task DeleteWithAStaleETagIs412AndKeepsTheProject()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var project = await api.CreateProjectAsync(portfolio);
        var url = $"/api/portfolios/{portfolio}/projects/{project}";
        var stale = (await api.Admin.GetAsync(url)).Headers.ETag!;
        await HttpAssert.JsonAsync(await api.Admin.PostAsJsonAsync(url + "/updates", new { percentComplete = 10 }), 201);

        var delete = new HttpRequestMessage(HttpMethod.Delete, url);
        delete.Headers.IfMatch.Add(stale);
        await HttpAssert.ProblemAsync(await api.Admin.SendAsync(delete), 412);
        await HttpAssert.JsonAsync(await api.Admin.GetAsync(url), 200);
        Assert.Single((await HttpAssert.JsonAsync(await api.Admin.GetAsync(url + "/updates"), 200)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ADuplicateProjectIdIs409()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var project = await api.CreateProjectAsync(portfolio);
        var response = await api.Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects",
            new { id = project, name = "Again", category = "ai", startDate = "2026-01-01" });
        await HttpAssert.ProblemAsync(response, 409);
    }
}
