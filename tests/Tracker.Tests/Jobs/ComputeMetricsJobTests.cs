using Azure.Data.Tables;
using FsCheck.Fluent;
using Tracker.Jobs;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Testing;
using Tracker.Tests.Unit;
using static Tracker.Tests.Unit.MetricsEngineTests;

namespace Tracker.Tests.Jobs;

/// <summary>The ComputeMetrics job against a real Azurite (one per test), with a fake clock.</summary>
public sealed class ComputeMetricsJobTests
{
    // 10:00 UTC on 2026-03-02 is 11:00 in Amsterdam: "today" is 2026-03-02 there.
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 3, 2);

    private static ProjectHistory[] ThreeProjects() =>
    [
        Project(id: "alpha", priority: Priority.High, customer: true, kpi: "NPS", measure: "churn cost", updates:
            [U("2026-01-20T00:00:00", percent: 10), U("2026-02-10T00:00:00", percent: 20), U("2026-02-24T00:00:00", percent: 40, spend: 20_000)]),
        Project(id: "beta", category: Category.Crm, updates: [U("2026-02-26T08:00:00", percent: 15, budget: 150_000)]),
        Project(id: "gamma", category: Category.Ai, status: ProjectStatus.Proposed),
    ];

    [Fact]
    public async Task TheJobWritesProjectAndPortfolioSnapshotsForToday()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now);
        await AddPortfolioWithThreeProjectsAsync(host, "p-one");

        var run = await host.RunMetricsAsync();

        Assert.NotNull(run);
        Assert.Equal(JobOutcome.Succeeded, run.Outcome);
        Assert.Equal(new JobCounts(1, 1, 3), run.Counts);
        var expected = await host.RecomputeAsync("p-one", Today);
        var snapshots = host.Get<Snapshots>();
        var stored = await snapshots.FindPortfolioAsync("p-one", Today, default);
        Assert.NotNull(stored);
        Assert.True(MetricsPropertyTests.Same(expected, new MetricsResult(stored, [.. await Task.WhenAll(
            expected.Projects.Select(async p => (await snapshots.FindProjectAsync("p-one", p.ProjectId, Today, default))!))])));
        Assert.Equal(2, stored.ActiveProjects);
        var row = (await host.Table(ProjectSnapshotStore.Name).GetEntityAsync<TableEntity>("p-one|20260302", "alpha")).Value;
        Assert.Equal(20260302, row.GetInt32("DateSK"));
    }

    [Fact]
    public async Task ARerunWritesTheSameValues()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now);
        await AddPortfolioWithThreeProjectsAsync(host, "p-one");

        await host.RunMetricsAsync();
        var first = await host.SnapshotRowsAsync();
        host.Time.Advance(TimeSpan.FromHours(1));
        var second = await host.RunMetricsAsync();

        Assert.Equal(new JobCounts(1, 1, 3), second!.Counts);
        Assert.Equal(first, await host.SnapshotRowsAsync());
        Assert.Equal(4, first.Count);
    }

    /// <summary>
    /// A consumer that stops after one message leaves the others on the queue: the run shows one portfolio completed and
    /// two pending, and whichever consumer takes the rest completes the run.
    /// </summary>
    [Fact]
    public async Task AConsumerStoppedAfterSomePortfoliosLeavesTheRestOnTheQueueForTheNext()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now, settings: new Dictionary<string, string?> { ["Jobs:Queues:BatchSize"] = "1" });
        string[] ids = ["p-a", "p-b", "p-c"];
        foreach (var id in ids)
        {
            await AddPortfolioWithThreeProjectsAsync(host, id);
        }
        var job = host.Get<ComputeMetricsJob>();
        var run = (await host.Get<JobRunner>().EnqueueAsync(job, "manual", null, default))!;
        Assert.Equal(new RunProgress(3, 3, 0, 0, 0), run.Portfolios);

        Assert.Equal(1, await host.Get<JobQueueConsumer>().ProcessBatchAsync(job, default));
        var snapshots = host.Get<Snapshots>();
        Assert.Single(ids, id => snapshots.FindPortfolioAsync(id, Today, default).Result is not null);
        var partway = (await host.Get<JobRunner>().FindAsync(job.Name, run.Id, default))!;
        Assert.Equal(JobOutcome.Running, partway.Outcome);
        Assert.Equal(new RunProgress(3, 2, 1, 0, 0), partway.Portfolios);

        await using var other = await JobHost.StartAsync(azurite.ConnectionString, Now);
        await other.Get<JobQueueConsumer>().DrainAsync(job, default);
        var done = (await host.Get<JobRunner>().FindAsync(job.Name, run.Id, default))!;
        Assert.Equal(JobOutcome.Succeeded, done.Outcome);
        Assert.Equal(new RunProgress(3, 0, 3, 0, 0), done.Portfolios);
        Assert.Equal(new JobCounts(3, 3, 9), done.Counts);
        foreach (var id in ids)
        {
            var expected = await host.RecomputeAsync(id, Today);
            var stored = await snapshots.FindPortfolioAsync(id, Today, default);
            Assert.True(MetricsPropertyTests.Same(expected, new MetricsResult(stored!, expected.Projects)), id);
        }
    }

    [Fact]
    public async Task MissedDaysAreBackfilledUpToNinetyDays()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now);
        await AddPortfolioWithThreeProjectsAsync(host, "p-one");
        await host.RunMetricsAsync();

        host.Time.Advance(TimeSpan.FromDays(4));
        var run = await host.RunMetricsAsync();
        // 2026-03-02 again (its snapshot was taken before the day ended) .. 2026-03-06
        Assert.Equal(5, run!.Counts.Days);
        var snapshots = host.Get<Snapshots>();
        for (var day = Today; day <= Today.AddDays(4); day = day.AddDays(1))
        {
            var expected = await host.RecomputeAsync("p-one", day);
            Assert.True(MetricsPropertyTests.Same(expected, new MetricsResult((await snapshots.FindPortfolioAsync("p-one", day, default))!, expected.Projects)), day.ToString());
        }

        host.Time.Advance(TimeSpan.FromDays(200));
        Assert.Equal(ComputeMetricsJob.MaxBackfillDays, (await host.RunMetricsAsync())!.Counts.Days);
    }

    [Fact]
    public async Task RecomputingAPastDayFromHistoryEqualsTheStoredSnapshot()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now);
        await host.AddPortfolioAsync("p-gen", "America/New_York");
        var generated = MetricsPropertyTests.Projects.Sample(30, new FsCheck.Rnd(20200101UL), 12);
        foreach (var (p, i) in generated.Select((p, i) => (p, i)))
        {
            await host.AddProjectAsync("p-gen", p with { Id = $"gen-{i}", Updates = [.. p.Updates.Where(u => u.ReportedAt < Now)] });
        }
        await host.RunMetricsAsync();
        host.Time.Advance(TimeSpan.FromDays(6));
        await host.RunMetricsAsync();

        var snapshots = host.Get<Snapshots>();
        var (days, _) = await snapshots.ListPortfolioAsync("p-gen", Today.AddDays(-30), Today.AddDays(30), 100, null, default);
        Assert.Equal(7, days.Count);
        foreach (var stored in days)
        {
            var recomputed = await host.RecomputeAsync("p-gen", stored.AsOf);
            var projects = await Task.WhenAll(recomputed.Projects.Select(async p => (await snapshots.FindProjectAsync("p-gen", p.ProjectId, stored.AsOf, default))!));
            Assert.True(MetricsPropertyTests.Same(recomputed, new MetricsResult(stored, projects)), stored.AsOf.ToString());
        }
    }

    private static async Task AddPortfolioWithThreeProjectsAsync(JobHost host, string portfolioId)
    {
        await host.AddPortfolioAsync(portfolioId);
        foreach (var p in ThreeProjects())
        {
            await host.AddProjectAsync(portfolioId, p);
        }
    }
}
