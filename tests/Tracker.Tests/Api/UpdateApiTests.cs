using System.Net.Http.Json;
using System.Text.Json;

namespace Tracker.Tests.Api;

[Collection("api")]
public sealed class UpdateApiTests(ApiFixture api)
{
    private async Task<(string Portfolio, string Project, string Url)> NewProjectAsync()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var project = await api.CreateProjectAsync(portfolio);
        return (portfolio, project, $"/api/portfolios/{portfolio}/projects/{project}");
    }

    private async Task<JsonElement> PostAsync(string url, object body) =>
        await HttpAssert.JsonAsync(await api.Admin.PostAsJsonAsync(url + "/updates", body), 201);

    private async Task<JsonElement> ProjectAsync(string url) => await HttpAssert.JsonAsync(await api.Admin.GetAsync(url), 200);

    [Fact]
    public async Task PostingAnUpdateChangesTheProjectsCurrentState()
    {
        var (_, project, url) = await NewProjectAsync();
        var update = await PostAsync(url, new
        {
            reportedAt = "2026-03-02T09:00:00Z",
            percentComplete = 45,
            spend = 120000,
            budget = 260000,
            priority = "critical",
            status = "active",
            rag = "amber",
            note = "Data migration done",
            reportedBy = "ana@example.com",
        });
        Assert.Equal(project, update.GetProperty("projectId").GetString());
        Assert.Equal("critical", update.GetProperty("priority").GetString());
        Assert.False(string.IsNullOrEmpty(update.GetProperty("id").GetString()));

        var p = await ProjectAsync(url);
        Assert.Equal(45m, p.GetProperty("percentComplete").GetDecimal());
        Assert.Equal(120000m, p.GetProperty("spend").GetDecimal());
        Assert.Equal(260000m, p.GetProperty("budget").GetDecimal());
        Assert.Equal("critical", p.GetProperty("priority").GetString());
        Assert.Equal("amber", p.GetProperty("ragOverride").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T09:00:00Z"), p.GetProperty("lastUpdateAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task PostingAnOutOfOrderUpdateKeepsTheNewestState()
    {
        var (_, _, url) = await NewProjectAsync();
        await PostAsync(url, new { reportedAt = "2026-03-10T09:00:00Z", percentComplete = 60, spend = 50000 });
        await PostAsync(url, new { reportedAt = "2026-03-01T09:00:00Z", percentComplete = 30, spend = 20000, budget = 150000 });

        var p = await ProjectAsync(url);
        Assert.Equal(60m, p.GetProperty("percentComplete").GetDecimal());
        Assert.Equal(50000m, p.GetProperty("spend").GetDecimal());
        // No newer update set the budget, so the older update's budget is the current value.
        Assert.Equal(150000m, p.GetProperty("budget").GetDecimal());
        Assert.Equal(DateTimeOffset.Parse("2026-03-10T09:00:00Z"), p.GetProperty("lastUpdateAt").GetDateTimeOffset());

        var history = await HttpAssert.JsonAsync(await api.Admin.GetAsync(url + "/updates"), 200);
        var percents = history.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("percentComplete").GetDecimal()).ToList();
        Assert.Equal([60m, 30m], percents);
    }

    [Fact]
    public async Task UpdatesAtTheSameInstantGoToTheOneRecordedLast()
    {
        var (_, _, url) = await NewProjectAsync();
        await PostAsync(url, new { reportedAt = "2026-03-10T09:00:00Z", percentComplete = 40 });
        await PostAsync(url, new { reportedAt = "2026-03-10T09:00:00Z", percentComplete = 42 });
        Assert.Equal(42m, (await ProjectAsync(url)).GetProperty("percentComplete").GetDecimal());
        var first = (await HttpAssert.JsonAsync(await api.Admin.GetAsync(url + "/updates?limit=1"), 200)).GetProperty("items")[0];
        Assert.Equal(42m, first.GetProperty("percentComplete").GetDecimal());
    }

    [Fact]
    public async Task HistoryIsNewestFirstAndHonoursFromAndTo()
    {
        var (_, _, url) = await NewProjectAsync();
        foreach (var day in new[] { 3, 1, 5, 2, 4 })
        {
            await PostAsync(url, new { reportedAt = $"2026-02-0{day}T12:00:00Z", percentComplete = day * 10 });
        }

        async Task<List<decimal>> Percents(string query)
        {
            var page = await HttpAssert.JsonAsync(await api.Admin.GetAsync(url + "/updates" + query), 200);
            return [.. page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("percentComplete").GetDecimal())];
        }

        Assert.Equal([50m, 40m, 30m, 20m, 10m], await Percents(""));
        Assert.Equal([40m, 30m, 20m], await Percents("?from=2026-02-02T12:00:00Z&to=2026-02-05T12:00:00Z"));
        // A date "to" includes that day (in the portfolio's time zone); a date "from" starts at its local midnight.
        Assert.Equal([40m, 30m], await Percents("?from=2026-02-03&to=2026-02-04"));
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync(url + "/updates?from=yesterday"), 400);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync(url + "/updates?from=2026-02-05&to=2026-02-01"), 400);
    }

    [Fact]
    public async Task HistoryPagesNewestFirstAcrossPages()
    {
        var (_, _, url) = await NewProjectAsync();
        for (var i = 1; i <= 5; i++)
        {
            await PostAsync(url, new { reportedAt = $"2026-01-1{i}T08:00:00Z", percentComplete = i });
        }
        var seen = new List<decimal>();
        string? token = null;
        do
        {
            var page = await HttpAssert.JsonAsync(await api.Admin.GetAsync(url + "/updates?limit=2" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token))), 200);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("percentComplete").GetDecimal()));
            token = page.GetProperty("continuationToken").GetString();
        }
        while (token is not null);
        Assert.Equal([5m, 4m, 3m, 2m, 1m], seen);
    }

    [Fact]
    public async Task ReportedAtDefaultsToNowAndMayNotBeInTheFuture()
    {
        var (_, _, url) = await NewProjectAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var update = await PostAsync(url, new { note = "Kick-off held" });
        Assert.InRange(update.GetProperty("reportedAt").GetDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(5));

        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("O");
        var problem = await HttpAssert.ProblemAsync(await api.Admin.PostAsJsonAsync(url + "/updates", new { reportedAt = future, percentComplete = 5 }), 400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reportedAt", out _));
    }

    [Fact]
    public async Task ATimestampWithoutOffsetIsAValidationErrorAndTimestampsComeBackInUtc()
    {
        var (_, _, url) = await NewProjectAsync();
        var problem = await HttpAssert.ProblemAsync(await api.Admin.PostAsync(url + "/updates",
            HttpAssert.Json("""{"reportedAt":"2026-03-02T09:00:00","percentComplete":5}""")), 400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reportedAt", out _));

        var update = await PostAsync(url, new { reportedAt = "2026-03-02T10:00:00+01:00", percentComplete = 5 });
        Assert.Equal("2026-03-02T09:00:00Z", update.GetProperty("reportedAt").GetString());
    }

    [Fact]
    public async Task AnEmptyUpdateOrOutOfRangePercentIsAValidationError()
    {
        var (_, _, url) = await NewProjectAsync();
        await HttpAssert.ProblemAsync(await api.Admin.PostAsJsonAsync(url + "/updates", new { }), 400);
        var problem = await HttpAssert.ProblemAsync(await api.Admin.PostAsJsonAsync(url + "/updates", new { percentComplete = 101, spend = -1 }), 400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("percentComplete", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("spend", out _));
        Assert.Empty((await HttpAssert.JsonAsync(await api.Admin.GetAsync(url + "/updates"), 200)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task AnUpdateForAnUnknownProjectIs404AndWritesNothing()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var url = $"/api/portfolios/{portfolio}/projects/ghost";
        await HttpAssert.ProblemAsync(await api.Admin.PostAsJsonAsync(url + "/updates", new { percentComplete = 5 }), 404);
        await api.CreateProjectAsync(portfolio, "ghost");
        Assert.Empty((await HttpAssert.JsonAsync(await api.Admin.GetAsync(url + "/updates"), 200)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ConcurrentUpdatesAllLandAndTheNewestWins()
    {
        var (_, _, url) = await NewProjectAsync();
        var posts = Enumerable.Range(1, 12).Select(i =>
            api.Admin.PostAsJsonAsync(url + "/updates", new { reportedAt = $"2026-04-{i:00}T10:00:00Z", percentComplete = i * 5 }));
        foreach (var response in await Task.WhenAll(posts))
        {
            await HttpAssert.JsonAsync(response, 201);
        }
        Assert.Equal(60m, (await ProjectAsync(url)).GetProperty("percentComplete").GetDecimal());
        Assert.Equal(12, (await HttpAssert.JsonAsync(await api.Admin.GetAsync(url + "/updates"), 200)).GetProperty("items").GetArrayLength());
    }
}
