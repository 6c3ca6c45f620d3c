using Azure.Data.Tables;
using FsCheck.Fluent;
using Tracker.Jobs;
using Tracker.Metrics;
using Tracker.Projects;
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
        var first = await ReadAllSnapshotsAsync(host);
        host.Time.Advance(TimeSpan.FromHours(1));
        var second = await host.RunMetricsAsync();

        Assert.Equal(new JobCounts(1, 1, 3), second!.Counts);
        Assert.Equal(first, await ReadAllSnapshotsAsync(host));
        Assert.Equal(4, first.Count);
    }

    [Fact]
    public async Task ARunStoppedAfterSomePortfoliosIsCompletedByTheNextRun()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now);
        string[] ids = ["p-a", "p-b", "p-c"];
        foreach (var id in ids)
        {
            await AddPortfolioWithThreeProjectsAsync(host, id);
        }

        using var stop = new CancellationTokenSource();
        var done = new List<string>();
        var progress = new SyncProgress(id => { done.Add(id); stop.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.RunMetricsAsync(ct: stop.Token, progress: progress));
        Assert.Single(done);
        var snapshots = host.Get<Snapshots>();
        Assert.Single(ids, id => snapshots.FindPortfolioAsync(id, Today, default).Result is not null);
        var runs = (await host.Get<JobRunStore>().ListAsync(ComputeMetricsJob.JobName, 10, null, default)).Items;
        Assert.Equal("failed", runs[0].Outcome);

        var next = await host.RunMetricsAsync();
        Assert.Equal(JobOutcome.Succeeded, next!.Outcome);
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
        Assert.Equal(4, run!.Counts.Days); // 2026-03-03 .. 2026-03-06
        var snapshots = host.Get<Snapshots>();
        for (var day = Today.AddDays(1); day <= Today.AddDays(4); day = day.AddDays(1))
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

    /// <summary>Every snapshot row without its timestamps, for comparing two runs.</summary>
    private static async Task<List<string>> ReadAllSnapshotsAsync(JobHost host)
    {
        var rows = new List<string>();
        foreach (var table in new[] { host.Table(ProjectSnapshotStore.Name), host.Table(PortfolioSnapshotStore.Name) })
        {
            await foreach (var e in table.QueryAsync<TableEntity>())
            {
                rows.Add(string.Join(";", e.Where(kv => kv.Key is not ("Timestamp" or "odata.etag" or "ComputedAt")).OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}")));
            }
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool and race the next portfolio).</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
