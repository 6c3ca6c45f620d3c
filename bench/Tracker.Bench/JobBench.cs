using System.Diagnostics;
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
/// The ComputeMetrics job over one portfolio of P projects x U updates on Azurite, next to the bare SDK doing the
/// I/O the job cannot avoid, in the same run: reading the same entities (same partitions, same columns, same
/// parallelism) and writing the same number of snapshot rows in batches of 100.
/// </summary>
public static class JobBench
{
    private static readonly string[] UpdateColumns = ["ReportedAt", "RecordedAt", "PercentComplete", "Spend", "Budget", "Priority", "Status", "Rag"];

    public static async Task RunAsync(int projectCount, int updatesPerProject, int rounds)
    {
        Console.WriteLine($"job benchmark: {projectCount} projects x {updatesPerProject} updates, {rounds} rounds, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Tracker:BootstrapAdminKey"] = "bench-admin-key-jobs-0123456789abcdef0123",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddTracker();
        using var host = builder.Build();
        await host.StartAsync();
        var tables = new RawTables(azurite.ConnectionString);

        var seed = Stopwatch.StartNew();
        var histories = await SeedAsync(host.Services, tables, projectCount, updatesPerProject);
        Console.WriteLine($"  seeded {projectCount * updatesPerProject:N0} updates in {seed.Elapsed.TotalSeconds:F1} s");

        var engine = host.Services.GetRequiredService<MetricsEngine>();
        var rawDay = new DateOnly(1999, 1, 1);
        var rawRows = engine.Compute("bench", histories, DateOnly.FromDateTime(DateTime.UtcNow), TimeZoneInfo.Utc).Projects
            .Select(m => ProjectSnapshotEntity.From("bench-raw", m with { AsOf = rawDay }, DateTimeOffset.UtcNow)).ToList();
        var rawPortfolio = PortfolioSnapshotEntity.From(engine.Compute("bench-raw", [], rawDay, TimeZoneInfo.Utc).Portfolio, DateTimeOffset.UtcNow);
        var job = host.Services.GetRequiredService<ComputeMetricsJob>();

        // Warm-up of both paths (JIT, Azurite's indexes), not measured.
        await RawAsync(tables, rawRows, rawPortfolio);
        await RunInProcessAsync(job);

        double rawTotal = 0, jobTotal = 0;
        for (var round = 1; round <= rounds; round++)
        {
            var raw = await RawAsync(tables, rawRows, rawPortfolio);
            var stopwatch = Stopwatch.StartNew();
            var counts = await RunInProcessAsync(job);
            var jobSeconds = stopwatch.Elapsed.TotalSeconds;
            rawTotal += raw.Read + raw.Write;
            jobTotal += jobSeconds;
            Console.WriteLine($"  round {round}: raw scan {raw.Read:F2} s + raw write {raw.Write:F2} s = {raw.Read + raw.Write:F2} s   job {jobSeconds:F2} s ({counts.Snapshots} snapshots)   ratio {jobSeconds / (raw.Read + raw.Write):F2}");
        }
        Console.WriteLine($"raw SDK scan + write: {rawTotal / rounds:F2} s per run");
        Console.WriteLine($"ComputeMetrics job:   {jobTotal / rounds:F2} s per run ({projectCount * updatesPerProject / (jobTotal / rounds):N0} updates/s end to end)");
        Console.WriteLine($"ratio job / (raw scan + raw write): {jobTotal / rawTotal:F2} (goal <= 1.50)");
        await host.StopAsync();
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

    private static Task<List<Tracker.Metrics.ProjectHistory>> SeedAsync(IServiceProvider services, RawTables tables, int projectCount, int updatesPerProject) =>
        SeedAsync(services, tables, "bench", projectCount, updatesPerProject);

    /// <summary>One portfolio of generated projects and updates, written with the bare SDK in batches.</summary>
    public static async Task<List<Tracker.Metrics.ProjectHistory>> SeedAsync(IServiceProvider services, RawTables tables, string portfolioId, int projectCount, int updatesPerProject)
    {
        var now = DateTimeOffset.UtcNow;
        await services.GetRequiredService<PortfolioStore>().AddAsync(new PortfolioEntity { RowKey = portfolioId, Name = "Benchmark " + portfolioId, TimeZone = "UTC", CreatedAt = now, UpdatedAt = now }, default);
        var histories = EngineBenchmark.Generate(projectCount, updatesPerProject, DateOnly.FromDateTime(now.UtcDateTime));
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
