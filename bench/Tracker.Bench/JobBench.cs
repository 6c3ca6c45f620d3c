using System.Diagnostics;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracker.Common;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// The ComputeMetrics job over one portfolio of P projects x U updates on Azurite, next to the bare SDK doing what the
/// job did before compact histories — reading every Updates partition (same columns, same parallelism) and writing
/// the same number of snapshot rows in batches of 100 — in the same run. The portfolio is seeded as an earlier
/// version stored it (no compact histories), so the BuildHistories backfill runs first and is timed too. Entities
/// read are counted at the app's storage transport. With several U (<c>--updates 50,500</c>), each gets its own
/// Azurite and the job's growth from the first to the last is printed.
/// </summary>
public static class JobBench
{
    private static readonly string[] UpdateColumns = ["ReportedAt", "RecordedAt", "PercentComplete", "Spend", "Budget", "Priority", "Status", "Rag"];

    public static async Task RunAsync(int projectCount, IReadOnlyList<int> updateCounts, int rounds)
    {
        var jobSeconds = new List<double>();
        foreach (var updates in updateCounts)
        {
            jobSeconds.Add(await RunAsync(projectCount, updates, rounds));
        }
        if (updateCounts.Count > 1)
        {
            Console.WriteLine($"growth of the job's time from {updateCounts[0]} to {updateCounts[^1]} updates per project: " +
                $"{jobSeconds[^1] / jobSeconds[0]:F2}x ({jobSeconds[0]:F2} s -> {jobSeconds[^1]:F2} s; goal < 1.50x)");
        }
    }

    /// <returns>the job's mean seconds per run.</returns>
    private static async Task<double> RunAsync(int projectCount, int updatesPerProject, int rounds)
    {
        Console.WriteLine($"job benchmark: {projectCount} projects x {updatesPerProject} updates, {rounds} rounds, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        var counter = new EntityCounter();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Tracker:BootstrapAdminKey"] = "bench-admin-key-jobs-0123456789abcdef0123",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<HttpPipelinePolicy>(counter);
        builder.Services.AddTracker();
        using var host = builder.Build();
        await host.StartAsync();
        var tables = new RawTables(azurite.ConnectionString);

        var seed = Stopwatch.StartNew();
        var histories = await SeedAsync(host.Services, tables, "bench", projectCount, updatesPerProject, compact: false);
        Console.WriteLine($"  seeded {projectCount * updatesPerProject:N0} updates in {seed.Elapsed.TotalSeconds:F1} s (project rows without compact histories, as before them)");

        var backfill = Stopwatch.StartNew();
        var built = await host.Services.GetRequiredService<ProjectHistories>().BuildMissingAsync("bench", default);
        Console.WriteLine($"  BuildHistories backfill: {built} compact histories built in {backfill.Elapsed.TotalSeconds:F2} s; " +
            $"project row {RowBytes(host.Services, projectCount):N0} bytes of compact history on average");

        var engine = host.Services.GetRequiredService<MetricsEngine>();
        var rawDay = new DateOnly(1999, 1, 1);
        var rawRows = engine.Compute("bench", histories, DateOnly.FromDateTime(DateTime.UtcNow), TimeZoneInfo.Utc).Projects
            .Select(m => ProjectSnapshotEntity.From("bench-raw", m with { AsOf = rawDay }, DateTimeOffset.UtcNow)).ToList();
        var rawPortfolio = PortfolioSnapshotEntity.From(engine.Compute("bench-raw", [], rawDay, TimeZoneInfo.Utc).Portfolio, DateTimeOffset.UtcNow);
        var job = host.Services.GetRequiredService<ComputeMetricsJob>();

        // Warm-up of both paths (JIT, Azurite's indexes), not measured.
        await RawAsync(tables, rawRows, rawPortfolio);
        await RunInProcessAsync(job);

        double rawScanTotal = 0, rawTotal = 0, jobTotal = 0;
        long entities = 0, updatesRead = 0;
        for (var round = 1; round <= rounds; round++)
        {
            var raw = await RawAsync(tables, rawRows, rawPortfolio);
            counter.Reset();
            var stopwatch = Stopwatch.StartNew();
            var counts = await RunInProcessAsync(job);
            var seconds = stopwatch.Elapsed.TotalSeconds;
            (entities, updatesRead) = (counter.Total, counter.Read(UpdateStore.Name));
            rawScanTotal += raw.Read;
            rawTotal += raw.Read + raw.Write;
            jobTotal += seconds;
            Console.WriteLine($"  round {round}: raw scan {raw.Read:F2} s + raw write {raw.Write:F2} s = {raw.Read + raw.Write:F2} s   " +
                $"job {seconds:F2} s ({counts.Snapshots} snapshots, {entities:N0} entities read, {updatesRead} of them Updates)   ratio {seconds / (raw.Read + raw.Write):F3}");
        }
        Console.WriteLine($"raw SDK scan of every Updates partition: {rawScanTotal / rounds:F2} s per run ({projectCount * updatesPerProject + projectCount:N0} entities)");
        Console.WriteLine($"raw SDK scan + write (the floor before compact histories): {rawTotal / rounds:F2} s per run");
        Console.WriteLine($"ComputeMetrics job: {jobTotal / rounds:F2} s per run, {entities:N0} entities read (goal <= 2 x P = {2 * projectCount:N0})");
        Console.WriteLine($"ratio job / (raw scan + raw write): {jobTotal / rawTotal:F3} (goal <= 0.20); job / raw scan: {jobTotal / rawScanTotal:F3}");
        await host.StopAsync();
        return jobTotal / rounds;
    }

    /// <summary>The job's own work, without the queue between plan and portfolio: plan, then process each portfolio here.</summary>
    private static async Task<Tracker.Jobs.JobCounts> RunInProcessAsync(ComputeMetricsJob job)
    {
        var total = Tracker.Jobs.JobCounts.None;
        await foreach (var work in job.PlanAsync(default))
        {
            total = total.Add(await job.ProcessAsync(new Tracker.Jobs.PortfolioWork(job.Name, "bench", work.PortfolioId, work.Days, DateTimeOffset.UtcNow), default));
        }
        return total;
    }

    private static long RowBytes(IServiceProvider services, int projectCount)
    {
        var rows = services.GetRequiredService<ProjectStore>().AllAsync("bench", default).GetAwaiter().GetResult();
        return rows.Sum(r => (long)CompactHistory.Pack(r.Facts() ?? []).Length) / Math.Max(1, projectCount);
    }

    /// <summary>
    /// One portfolio of generated projects and updates (spread over the last year), written with the bare SDK in
    /// batches; with <paramref name="compact"/>, each project row carries its compact history as the app keeps it,
    /// otherwise none (rows as stored before compact histories).
    /// </summary>
    public static async Task<List<Tracker.Metrics.ProjectHistory>> SeedAsync(
        IServiceProvider services, RawTables tables, string portfolioId, int projectCount, int updatesPerProject, bool compact = true)
    {
        var now = DateTimeOffset.UtcNow;
        await services.GetRequiredService<PortfolioStore>().AddAsync(new PortfolioEntity { RowKey = portfolioId, Name = "Benchmark " + portfolioId, TimeZone = "UTC", CreatedAt = now, UpdatedAt = now }, default);
        var histories = EngineBenchmark.Generate(projectCount, updatesPerProject, DateOnly.FromDateTime(now.UtcDateTime).AddDays(-1), withinDays: 360);
        var projectBatch = new List<TableTransactionAction>();
        foreach (var h in histories)
        {
            var entity = ProjectHandlers.NewEntity(portfolioId, new CreateProjectRequest
            {
                Name = h.Id,
                Category = h.Category,
                StartDate = h.StartDate,
                TargetDate = h.TargetDate,
                Budget = (decimal)h.InitialBudget,
                CustomerEngagement = h.CustomerEngagement,
                CustomerKpi = h.CustomerKpi,
                FinancialMeasure = h.FinancialMeasure,
            }, h.Id, now);
            if (compact)
            {
                entity.KeepFacts(h.Updates);
            }
            else
            {
                entity.ForgetFacts();
            }
            projectBatch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
            if (projectBatch.Count == 100)
            {
                await tables.Projects.SubmitTransactionAsync(projectBatch);
                projectBatch.Clear();
            }
        }
        if (projectBatch.Count > 0)
        {
            await tables.Projects.SubmitTransactionAsync(projectBatch);
        }
        await Parallel.ForEachAsync(histories, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (h, ct) =>
        {
            var batch = h.Updates.Select((u, i) => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new UpdateEntity
            {
                PartitionKey = UpdateStore.Partition(portfolioId, h.Id),
                RowKey = UpdateStore.RowKey(u.ReportedAt, u.RecordedAt, $"u{i:000}"),
                Id = $"u{i:000}",
                ProjectId = h.Id,
                ReportedAt = u.ReportedAt,
                RecordedAt = u.RecordedAt,
                PercentComplete = u.PercentComplete,
                Spend = u.Spend,
                Budget = u.Budget,
                Priority = u.Priority is { } p ? TrackerJson.Name(p) : null,
            })).ToList();
            for (var i = 0; i < batch.Count; i += 100)
            {
                await tables.Updates.SubmitTransactionAsync(batch.Skip(i).Take(100), ct);
            }
        });
        return histories;
    }

    private static async Task<(double Read, double Write)> RawAsync(RawTables tables, List<ProjectSnapshotEntity> rows, TableEntity portfolioRow)
    {
        var stopwatch = Stopwatch.StartNew();
        var projects = new List<TableEntity>();
        await foreach (var p in tables.Projects.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"bench"}"), 1000))
        {
            projects.Add(p);
        }
        var read = 0L;
        await Parallel.ForEachAsync(projects, new ParallelOptions { MaxDegreeOfParallelism = ProjectHistories.Parallelism }, async (p, ct) =>
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {UpdateStore.Partition("bench", p.RowKey)}");
            await foreach (var _ in tables.Updates.QueryAsync<TableEntity>(filter, 1000, UpdateColumns, ct))
            {
                Interlocked.Increment(ref read);
            }
        });
        var readSeconds = stopwatch.Elapsed.TotalSeconds;

        stopwatch.Restart();
        for (var i = 0; i < rows.Count; i += 100)
        {
            await tables.ProjectSnapshots.SubmitTransactionAsync(rows.Skip(i).Take(100).Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
        }
        await tables.PortfolioSnapshots.UpsertEntityAsync(portfolioRow, TableUpdateMode.Replace);
        return (readSeconds, stopwatch.Elapsed.TotalSeconds);
    }
}
