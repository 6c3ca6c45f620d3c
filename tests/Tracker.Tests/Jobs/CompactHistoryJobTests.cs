using System.Text.Json;
using Azure.Core.Pipeline;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Api;
using Tracker.Common;
using Tracker.Demo;
using Tracker.Digests;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Schedules;
using Tracker.Testing;
using Tracker.Tests.Unit;

namespace Tracker.Tests.Jobs;

/// <summary>
/// Compact histories on a real Azurite: kept in step with the Updates table by single posts, late posts, imports and
/// deletions; read by ComputeMetrics instead of the Updates table; repaired after a crash; built by the backfill.
/// </summary>
public sealed class CompactHistoryJobTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 3, 2);

    [Fact]
    public async Task ARandomizedPortfolioGivesEveryMetricTheSameFromCompactHistoriesAsFromTheUpdateRows()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now);
        await host.AddPortfolioAsync("p-rand", "Europe/Berlin");
        var random = new Random(20260302);
        var generated = MetricsPropertyTests.Projects.Sample(25, new FsCheck.Rnd(4242UL), 40);
        var recorder = host.Get<ProgressRecorder>();
        var ids = host.Get<Ids>();
        foreach (var (p, i) in generated.Select((p, i) => (p, i)))
        {
            var id = $"gen-{i}";
            await host.AddProjectAsync("p-rand", p with { Id = id, Updates = [] });
            var updates = p.Updates.Where(u => u.ReportedAt < Now).ToList();
            // Half posted one by one in random arrival order (late updates among them), half in one import.
            var single = updates.Take(updates.Count / 2).OrderBy(_ => random.Next()).ToList();
            foreach (var u in single)
            {
                host.Time.Advance(TimeSpan.FromSeconds(random.Next(1, 30)));
                await recorder.RecordAsync("p-rand", id, Body(u), "test", new RequestIdentity(ids.New(), host.Time.GetUtcNow()), default);
            }
            var imported = updates.Skip(updates.Count / 2).ToList();
            if (imported.Count > 0)
            {
                // Two rows with the same reportedAt in one import tie on both times: the partition's order decides.
                imported.Add(imported[0] with { PercentComplete = 77 });
                await ImportAsync(host, "p-rand", id, imported);
            }
        }
        await DeleteProjectAsync(host, "p-rand", "gen-3");

        var loaded = await host.Get<HistoryLoader>().LoadWithCountsAsync("p-rand", default);
        Assert.Equal((24, 0), (loaded.Counts.Projects, loaded.Counts.FromUpdates));
        var fromRows = await FromUpdateRowsAsync(host, "p-rand");
        foreach (var (compact, rows) in loaded.Histories.Zip(fromRows))
        {
            Assert.Equal(rows.Id, compact.Id);
            Assert.Equal(Json(rows.Updates), Json(compact.Updates));
        }
        var engine = host.Get<MetricsEngine>();
        var zone = TimeZones.TryFind("Europe/Berlin")!;
        for (var day = Today.AddDays(-200); day <= Today; day = day.AddDays(1))
        {
            Assert.Equal(Json(engine.Compute("p-rand", fromRows, day, zone)), Json(engine.Compute("p-rand", loaded.Histories, day, zone)));
        }
    }

    [Fact]
    public async Task AnImportNotesAndAppliesItsProjectsInTransactionsAndMergesEveryRow()
    {
        await using var azurite = await Azurite.StartAsync();
        var calls = new StorageCalls();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now, services: s => s.AddSingleton<HttpPipelinePolicy>(calls));
        await host.AddPortfolioAsync("p-imp");
        for (var i = 0; i < 120; i++)
        {
            await host.AddProjectAsync("p-imp", MetricsEngineTests.Project(id: $"i{i:000}"));
        }
        calls.Reset();

        await ImportAsync(host, "p-imp", [.. Enumerable.Range(0, 360).Select(n => ($"i{n % 120:000}", new UpdateFact(Now.AddDays(-n), Now, PercentComplete: n % 100)))]);

        // Notes and applies in batches of 100 projects (with the ETags the first batches returned): no single-row
        // write or re-read of a project, so nothing fell back to the one-by-one path.
        Assert.Equal(0, calls.Count("PUT", ProjectStore.Name));
        Assert.Equal(0, calls.Count("GET", ProjectStore.Name) - calls.Filters(ProjectStore.Name).Count);
        var projects = await host.Get<ProjectStore>().AllAsync("p-imp", default);
        Assert.All(projects, p => Assert.Equal((3, null), (p.HistoryCount, p.HistoryPending)));
        foreach (var project in projects)
        {
            Assert.Equal(Json(await host.Get<UpdateStore>().FactsAsync("p-imp", project.RowKey, default)), Json(project.Facts()!));
        }
    }

    [Fact]
    public async Task ComputeMetricsReadsTheProjectsPartitionAndNotTheUpdatesTable()
    {
        await using var azurite = await Azurite.StartAsync();
        var counter = new EntityCounter();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now, services: s => s.AddSingleton<HttpPipelinePolicy>(counter));
        await host.AddPortfolioAsync("p-read");
        foreach (var (p, i) in MetricsPropertyTests.Projects.Sample(30, new FsCheck.Rnd(7UL), 40).Select((p, i) => (p, i)))
        {
            await host.AddProjectAsync("p-read", p with { Id = $"p{i:00}", Updates = [.. p.Updates.Where(u => u.ReportedAt < Now)] });
        }
        await host.RunMetricsAsync();
        host.Time.Advance(TimeSpan.FromDays(1));
        counter.Reset();

        var run = await host.RunMetricsAsync();

        Assert.Equal(2, run!.Counts.Days); // yesterday made final, and today
        Assert.Equal(0, counter.Read(UpdateStore.Name));
        Assert.Equal(30, counter.Read(ProjectStore.Name));
        Assert.True(counter.Total <= 2 * 30, $"{counter.Total} entities read");
    }

    [Fact]
    public async Task ACrashBetweenTheUpdateRowAndTheProjectEndsWithTheSameMetricsAfterRepair()
    {
        await using var azurite = await Azurite.StartAsync();
        var faults = new StorageFaults();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now, services: s => s.AddSingleton<HttpPipelinePolicy>(faults));
        await host.AddPortfolioAsync("p-crash");
        var histories = MetricsPropertyTests.Projects.Sample(4, new FsCheck.Rnd(99UL), 40);
        foreach (var (p, i) in histories.Select((p, i) => (p, i)))
        {
            await host.AddProjectAsync("p-crash", p with { Id = $"c{i}", Updates = [.. p.Updates.Where(u => u.ReportedAt < Now.AddDays(-1))] });
        }

        // The update row is stored; then storage fails before the project (state and compact history) is written.
        faults.StartAfter(m => StorageFaults.Is(m, "POST", UpdateStore.Name));
        await Assert.ThrowsAnyAsync<Exception>(() => host.Get<ProgressRecorder>().RecordAsync(
            "p-crash", "c1", new PostUpdateRequest { ReportedAt = Now.AddHours(-2), PercentComplete = 64, Budget = 999_000 }, "test", default));
        faults.End();
        var stuck = await host.Get<ProjectStore>().GetAsync("p-crash", "c1", default);
        Assert.NotNull(stuck.HistoryPending);
        Assert.DoesNotContain(stuck.Facts()!, f => f.PercentComplete == 64);

        // Readers do not trust the history while the note is there: the job reads that project's Updates partition.
        await host.RunMetricsAsync();
        var expected = host.Get<MetricsEngine>().Compute("p-crash", await FromUpdateRowsAsync(host, "p-crash"), Today, TimeZones.TryFind("Europe/Amsterdam")!);
        Assert.Contains(expected.Projects, p => p.PercentComplete == 64);
        var stored = await host.Get<Snapshots>().FindFinalAsync("p-crash", Today, TimeZoneInfo.Utc, default);
        Assert.Null(stored); // today's snapshot is not final; compare with what it holds
        Assert.True(MetricsPropertyTests.Same(expected, new MetricsResult(
            (await host.Get<Snapshots>().FindPortfolioAsync("p-crash", Today, default))!, [.. expected.Projects.Select(p => host.Get<Snapshots>().FindProjectAsync("p-crash", p.ProjectId, Today, default).Result!)])));

        // Once no write can still be in flight, the backfill job repairs it: the compact history has the update again.
        host.Time.Advance(ProjectHistories.PendingTimeout + TimeSpan.FromMinutes(1));
        var repair = await host.RunJobAsync(host.Get<BuildHistoriesJob>());
        Assert.Equal(1, repair!.Counts.Histories);
        var repaired = await host.Get<ProjectStore>().GetAsync("p-crash", "c1", default);
        Assert.Null(repaired.HistoryPending);
        Assert.Equal(Json((await FromUpdateRowsAsync(host, "p-crash")).Single(h => h.Id == "c1").Updates), Json(repaired.Facts()!));
        var after = host.Get<MetricsEngine>().Compute("p-crash", await host.Get<HistoryLoader>().LoadAsync("p-crash", default), Today, TimeZones.TryFind("Europe/Amsterdam")!);
        Assert.Equal(Json(expected), Json(after));
        Assert.Equal(0, (await host.RunJobAsync(host.Get<BuildHistoriesJob>()))!.Counts.Histories);
    }

    [Fact]
    public async Task TheBackfillBuildsMissingHistoriesOnceAndNothingReadsAMissingOneAsNoUpdates()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now);
        await host.AddPortfolioAsync("p-old");
        foreach (var (p, i) in MetricsPropertyTests.Projects.Sample(12, new FsCheck.Rnd(5UL), 40).Select((p, i) => (p, i)))
        {
            await host.AddProjectAsync("p-old", p with { Id = $"o{i:00}", Updates = [.. p.Updates.Where(u => u.ReportedAt < Now)] });
        }
        var expected = await host.RecomputeAsync("p-old", Today);
        // Rows as an earlier version stored them: no compact history at all.
        var store = host.Get<ProjectStore>();
        foreach (var project in await store.AllAsync("p-old", default))
        {
            project.ForgetFacts();
            await store.ReplaceAsync(project, project.ETag, default);
        }

        var loaded = await host.Get<HistoryLoader>().LoadWithCountsAsync("p-old", default);
        Assert.Equal(12, loaded.Counts.FromUpdates);
        Assert.Equal(12, loaded.Counts.Repaired); // a reader builds what it had to read
        foreach (var project in await store.AllAsync("p-old", default))
        {
            project.ForgetFacts();
            await store.ReplaceAsync(project, project.ETag, default);
        }
        Assert.True(MetricsPropertyTests.Same(expected, await host.RecomputeAsync("p-old", Today)));

        foreach (var project in await store.AllAsync("p-old", default))
        {
            project.ForgetFacts();
            await store.ReplaceAsync(project, project.ETag, default);
        }
        var first = await host.RunJobAsync(host.Get<BuildHistoriesJob>());
        Assert.Equal((1, 12), (first!.Counts.Portfolios, first.Counts.Histories));
        Assert.All(await store.AllAsync("p-old", default), p => Assert.NotNull(p.HistoryCount));
        Assert.Equal(0, (await host.RunJobAsync(host.Get<BuildHistoriesJob>()))!.Counts.Histories);
        Assert.Equal(0, (await host.Get<HistoryLoader>().LoadWithCountsAsync("p-old", default)).Counts.FromUpdates);
        Assert.True(MetricsPropertyTests.Same(expected, await host.RecomputeAsync("p-old", Today)));
    }

    [Fact]
    public async Task AHistoryTooLargeForTheRowIsReadFromTheUpdatesPartition()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now);
        await host.AddPortfolioAsync("p-big");
        var history = MetricsPropertyTests.Projects.Sample(1, new FsCheck.Rnd(11UL), 40)[0];
        await host.AddProjectAsync("p-big", history with { Id = "big", Updates = [.. history.Updates.Where(u => u.ReportedAt < Now)] });
        var expected = await host.RecomputeAsync("p-big", Today);
        var store = host.Get<ProjectStore>();
        var project = await store.GetAsync("p-big", "big", default);
        project.ForgetFacts();
        project.HistoryTooLarge = true;
        await store.ReplaceAsync(project, project.ETag, default);

        var loaded = await host.Get<HistoryLoader>().LoadWithCountsAsync("p-big", default);

        Assert.Equal((1, 0), (loaded.Counts.FromUpdates, loaded.Counts.Repaired));
        Assert.True(MetricsPropertyTests.Same(expected, await host.RecomputeAsync("p-big", Today)));
        await host.Get<ProgressRecorder>().RecordAsync("p-big", "big", new PostUpdateRequest { PercentComplete = 99 }, "test", default);
        Assert.True((await store.GetAsync("p-big", "big", default)).HistoryTooLarge);
    }

    [Fact]
    public async Task AYearOfImportedWeeklyUpdatesGivesASnapshotForEveryDaySinceTheFirst()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now);
        await host.AddPortfolioAsync("p-year", "Europe/Berlin");
        var first = Now.AddDays(-364);
        for (var i = 0; i < 50; i++)
        {
            var id = $"y{i:00}";
            await host.AddProjectAsync("p-year", MetricsEngineTests.Project(id: id, start: "2025-02-01", target: "2026-06-30", budget: 100_000 + 1000 * i));
            var weekly = Enumerable.Range(0, 53).Select(w => new UpdateFact(first.AddDays(7 * w).AddHours(i % 9), Now, PercentComplete: Math.Min(100, w * (1.5 + i / 50.0)),
                Spend: 1000.0 * w * (i + 1), Budget: w == 30 && i % 3 == 0 ? 150_000 : null)).Where(u => u.ReportedAt < Now).ToList();
            await ImportAsync(host, "p-year", id, weekly);
        }

        // The daily run, a few hours after the import.
        host.Time.Advance(TimeSpan.FromHours(3));
        var run = await host.RunMetricsAsync();

        var zone = TimeZones.TryFind("Europe/Berlin")!;
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(first, zone).DateTime);
        Assert.Equal(Today.DayNumber - firstDay.DayNumber + 1, run!.Counts.Days);
        var (days, _) = await host.Get<Snapshots>().ListPortfolioAsync("p-year", firstDay.AddDays(-30), Today, 1000, null, default);
        Assert.Equal(firstDay, days[0].AsOf);
        Assert.Equal(Enumerable.Range(0, days.Count).Select(firstDay.AddDays), days.Select(d => d.AsOf));
        foreach (var day in new[] { firstDay, firstDay.AddDays(45), firstDay.AddDays(200), Today.AddDays(-1) })
        {
            var expected = await host.RecomputeAsync("p-year", day);
            Assert.Equal(Json(expected.Portfolio), Json(days.Single(d => d.AsOf == day)));
        }

        // Nothing new since: the next run computes only the days due.
        host.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(2, (await host.RunMetricsAsync())!.Counts.Days);
    }

    [Fact]
    public async Task TheDemoDigestIsByteIdenticalToTheDigestComputedFromTheUpdateRows()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now);
        Assert.True(await host.Get<DemoSeeder>().SeedAsync(default));
        var portfolio = await host.Get<PortfolioStore>().GetAsync(DemoSeeder.PortfolioId, default);
        var service = host.Get<DigestService>();
        var source = await service.LoadAsync(portfolio, default);
        var engine = host.Get<MetricsEngine>();
        var rows = await FromUpdateRowsAsync(host, DemoSeeder.PortfolioId);

        foreach (var cadence in new[] { Cadence.Daily, Cadence.Weekly })
        {
            var prepared = await service.PrepareAsync(source, cadence, default);
            // What the digest was before: both days computed from every update row.
            var before = prepared.Input with
            {
                Current = engine.Compute(portfolio.RowKey, rows, prepared.Input.AsOf, portfolio.Zone),
                Previous = engine.Compute(portfolio.RowKey, rows, prepared.Input.AsOf.AddDays(cadence == Cadence.Daily ? -1 : -7), portfolio.Zone),
            };
            var beforeContent = DigestComposer.Compose(before);
            var input = prepared.Input with { UnsubscribeUrl = "https://tracker.example/u" };
            Assert.Equal(DigestComposer.Html(before with { UnsubscribeUrl = input.UnsubscribeUrl }, beforeContent), DigestComposer.Html(input, prepared.Content));
            Assert.Equal(DigestComposer.Text(before with { UnsubscribeUrl = input.UnsubscribeUrl }, beforeContent), DigestComposer.Text(input, prepared.Content));
            Assert.Equal(DigestChart.Render(beforeContent.Headlines), prepared.Chart);
        }
        // Both days came from the demo's stored snapshots (final: computed after those days ended).
        Assert.NotNull(await host.Get<Snapshots>().FindFinalAsync(DemoSeeder.PortfolioId, Today.AddDays(-1), portfolio.Zone, default));
    }

    private static PostUpdateRequest Body(UpdateFact u) => new()
    {
        ReportedAt = u.ReportedAt,
        PercentComplete = (decimal?)u.PercentComplete,
        Spend = (decimal?)u.Spend,
        Budget = (decimal?)u.Budget,
        Priority = u.Priority,
        Status = u.Status,
        Rag = u.Rag,
    };

    /// <summary>Records updates as a CSV import does: one request identity, rows numbered in file order.</summary>
    private static Task ImportAsync(JobHost host, string portfolioId, string projectId, IReadOnlyList<UpdateFact> updates) =>
        ImportAsync(host, portfolioId, [.. updates.Select(u => (projectId, u))]);

    private static async Task ImportAsync(JobHost host, string portfolioId, IReadOnlyList<(string ProjectId, UpdateFact Update)> updates)
    {
        var importId = host.Get<Ids>().New();
        var at = host.Time.GetUtcNow();
        var rows = updates.Select((u, n) => ProgressRecorder.NewEntity(portfolioId, u.ProjectId, Body(u.Update), "import", new RequestIdentity($"{importId}-{n + 1:D4}", at))).ToList();
        var loaded = (await host.Get<ProjectStore>().AllAsync(portfolioId, default)).ToDictionary(p => p.RowKey, StringComparer.Ordinal);
        await host.Get<ProgressRecorder>().RecordManyAsync(portfolioId, loaded, rows, importId, default);
    }

    private static async Task DeleteProjectAsync(JobHost host, string portfolioId, string projectId)
    {
        var project = await host.Get<ProjectStore>().GetAsync(portfolioId, projectId, default);
        await host.Get<ProjectStore>().DeleteAsync(portfolioId, projectId, project.ETag, default);
        await host.Get<UpdateStore>().DeleteAllAsync(portfolioId, projectId, default);
    }

    /// <summary>The histories as the engine got them before compact histories: every project's Updates partition.</summary>
    private static async Task<List<ProjectHistory>> FromUpdateRowsAsync(JobHost host, string portfolioId)
    {
        var histories = new List<ProjectHistory>();
        foreach (var project in await host.Get<ProjectStore>().AllAsync(portfolioId, default))
        {
            histories.Add(HistoryLoader.ToHistory(project, await host.Get<UpdateStore>().FactsAsync(portfolioId, project.RowKey, default)));
        }
        return histories;
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, TrackerJson.Options);
}
