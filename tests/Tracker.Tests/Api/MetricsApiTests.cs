using System.Net.Http.Json;
using System.Text.Json;

namespace Tracker.Tests.Api;

[Collection("api")]
public sealed class MetricsApiTests(ApiFixture api)
{
    /// <summary>A UTC portfolio with two active projects and one on hold, updates in February 2026.</summary>
    private async Task<string> PortfolioWithHistoryAsync()
    {
        var portfolio = await api.CreatePortfolioAsync(timeZone: "UTC");
        var fast = await api.CreateProjectAsync(portfolio, category: "cloud", priority: "high", budget: 300_000);
        var slow = await api.CreateProjectAsync(portfolio, category: "crm", priority: "low", budget: 100_000);
        await api.CreateProjectAsync(portfolio, category: "ai", status: "onHold");
        foreach (var (project, day, percent) in new[] { (fast, "2026-01-20", 10), (fast, "2026-02-10", 20), (fast, "2026-02-24", 40), (slow, "2026-02-20", 5) })
        {
            await HttpAssert.JsonAsync(await api.Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects/{project}/updates",
                new { reportedAt = $"{day}T00:00:00Z", percentComplete = percent }), 201);
        }
        return portfolio;
    }

    [Fact]
    public async Task PortfolioMetricsAreComputedOnTheFlyForADayWithoutSnapshot()
    {
        var portfolio = await PortfolioWithHistoryAsync();
        using var reader = api.Client(await api.CreateKeyAsync("reader", portfolio));
        var response = await reader.GetAsync($"/api/portfolios/{portfolio}/metrics?asOf=2026-03-02");
        var m = await HttpAssert.JsonAsync(response, 200);

        Assert.Equal("computed", response.Headers.GetValues("Metrics-Source").Single());
        Assert.Equal("2026-03-02", m.GetProperty("asOf").GetString());
        Assert.Equal(2, m.GetProperty("activeProjects").GetInt32());
        // priority: 1 of 2 active projects is high -> 0.5 against 0.62: -12 points, behind.
        var priority = m.GetProperty("rates").GetProperty("priority");
        Assert.Equal(0.5, priority.GetProperty("value").GetDouble(), 9);
        Assert.Equal(0.62, priority.GetProperty("baseline").GetDouble(), 9);
        Assert.Equal(-12, priority.GetProperty("gapPoints").GetDouble(), 9);
        Assert.Equal("behind", priority.GetProperty("standing").GetString());
        // priorityByBudget: 300,000 of 400,000 = 0.75: +13 points, ahead.
        Assert.Equal("ahead", m.GetProperty("rates").GetProperty("priorityByBudget").GetProperty("standing").GetString());
        Assert.Equal(1, m.GetProperty("counts").GetProperty("byStatus").GetProperty("onHold").GetInt32());
        foreach (var rate in new[] { "priority", "priorityByBudget", "acceleration", "investment", "investmentByBudget", "customerEngagement", "customerOutcomeLink", "cloud", "crm", "ai" })
        {
            Assert.True(m.GetProperty("rates").TryGetProperty(rate, out _), rate);
        }
    }

    [Fact]
    public async Task AfterTheJobTheSnapshotAnswersWithTheSameNumbers()
    {
        var portfolio = await PortfolioWithHistoryAsync();
        var before = await api.Admin.GetAsync($"/api/portfolios/{portfolio}/metrics");
        var computed = await before.Content.ReadAsStringAsync();
        Assert.Equal("computed", before.Headers.GetValues("Metrics-Source").Single());

        // The run is enqueued (one message per portfolio) and answered at once; the server's consumer works it off.
        var started = await api.Admin.PostAsync("/api/jobs/ComputeMetrics:run", null);
        var run = await HttpAssert.JsonAsync(started, 202);
        Assert.Equal("/api/jobs?job=ComputeMetrics", started.Headers.Location?.OriginalString);
        Assert.Equal("manual", run.GetProperty("trigger").GetString());
        var enqueued = run.GetProperty("portfolios").GetProperty("enqueued").GetInt32();
        Assert.True(enqueued >= 1);
        var finished = await FinishedAsync(run.GetProperty("id").GetString()!);
        Assert.Equal("succeeded", finished.GetProperty("outcome").GetString());
        Assert.Equal(enqueued, finished.GetProperty("portfolios").GetProperty("completed").GetInt32());
        Assert.Equal(enqueued, finished.GetProperty("counts").GetProperty("portfolios").GetInt32());
        Assert.Empty(finished.GetProperty("failures").EnumerateArray());

        var after = await api.Admin.GetAsync($"/api/portfolios/{portfolio}/metrics");
        Assert.Equal("snapshot", after.Headers.GetValues("Metrics-Source").Single());
        Assert.Equal(computed, await after.Content.ReadAsStringAsync());

        // The updates were posted today for days back to 2026-01-20: the run computed every day since (the trend from
        // the first reported day), so the default window holds 90 days, today last.
        var history = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/metrics/history"), 200);
        var days = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(90, days.Count);
        Assert.Equal(JsonDocument.Parse(computed).RootElement.GetProperty("asOf").GetString(), days[^1].GetProperty("asOf").GetString());
        var first = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/metrics/history?from=2026-01-18&to=2026-01-21"), 200);
        Assert.Equal(["2026-01-20", "2026-01-21"], first.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("asOf").GetString()));

        var jobs = await HttpAssert.JsonAsync(await api.Admin.GetAsync("/api/jobs?job=ComputeMetrics"), 200);
        Assert.Contains(jobs.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetString() == run.GetProperty("id").GetString());
        var all = await HttpAssert.JsonAsync(await api.Admin.GetAsync("/api/jobs"), 200);
        Assert.NotEmpty(all.GetProperty("items").EnumerateArray());
    }

    /// <summary>
    /// The run as GET /api/jobs lists it, once every portfolio it enqueued has completed or failed. The run covers every
    /// portfolio the shared fixture's tests made (some with a year of imported history to compute), so it may take a
    /// while on two busy cores: this waits up to two minutes; it does not time the job (bench/ does).
    /// </summary>
    private async Task<JsonElement> FinishedAsync(string runId)
    {
        for (var i = 0; i < 1200; i++)
        {
            var jobs = await HttpAssert.JsonAsync(await api.Admin.GetAsync("/api/jobs?job=ComputeMetrics"), 200);
            var run = jobs.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetString() == runId);
            if (run.GetProperty("outcome").GetString() != "running")
            {
                return run;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"run {runId} did not finish within 120 s");
    }

    [Fact]
    public async Task ProjectMetricsUseTheMetricNames()
    {
        var portfolio = await PortfolioWithHistoryAsync();
        var projects = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects?priority=high"), 200);
        var id = projects.GetProperty("items")[0].GetProperty("id").GetString();
        var m = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/{id}/metrics?asOf=2026-03-02"), 200);

        // Fixture dates: start 2026-01-05, target 2026-12-18 (347 days); Mar 2 is day 56: planned 16.14%.
        Assert.Equal(40, m.GetProperty("percentComplete").GetDouble());
        Assert.Equal(100.0 * 56 / 347, m.GetProperty("plannedPercent").GetDouble(), 9);
        // velocity: anchor (0, 10) at Feb 3, (1 week, 20), (3 weeks, 40): slope 10 points a week.
        Assert.Equal(10, m.GetProperty("velocity").GetDouble(), 9);
        Assert.Equal(6, m.GetProperty("daysSinceUpdate").GetInt32());
        foreach (var name in new[] { "scheduleVariance", "previousVelocity", "accelerating", "forecastCompletion", "slipDays", "costPerformance", "priorityRaised", "investmentIncreased", "rag", "attentionScore" })
        {
            Assert.True(m.TryGetProperty(name, out _), name);
        }
    }

    [Fact]
    public async Task BadMetricsQueriesAreClear400sAnd404s()
    {
        var portfolio = await PortfolioWithHistoryAsync();
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/metrics?asOf=2999-01-01"), 400);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/metrics?asOf=yesterday"), 400);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/metrics/history?from=2026-03-02&to=2026-03-01"), 400);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync("/api/portfolios/no-such-portfolio/metrics"), 404);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/nope/metrics"), 404);
    }

    [Fact]
    public async Task OnlyAdminsSeeAndRunJobs()
    {
        using var writer = api.Client(await api.CreateKeyAsync("writer"));
        await HttpAssert.ProblemAsync(await writer.PostAsync("/api/jobs/ComputeMetrics:run", null), 403);
        await HttpAssert.ProblemAsync(await writer.GetAsync("/api/jobs"), 403);
        await HttpAssert.ProblemAsync(await api.Admin.PostAsync("/api/jobs/NoSuchJob:run", null), 404);
    }
}
