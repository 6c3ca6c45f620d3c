using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Tracker.Jobs;
using Tracker.Portfolios;

namespace Tracker.Metrics;

/// <summary>
/// ComputeMetrics: for every portfolio (one queue message each), snapshots as of today (in its time zone) and of each
/// day missed since its newest complete snapshot, at most <see cref="MaxBackfillDays"/> days back. A day is complete when its portfolio
/// snapshot exists (written last), so a run stopped anywhere is mended by the next: unfinished days are redone, and
/// redoing a day writes the same values.
/// </summary>
public sealed partial class ComputeMetricsJob(
    PortfolioStore portfolios, HistoryLoader loader, Snapshots snapshots, MetricsEngine engine, TimeProvider time, ILogger<ComputeMetricsJob> logger)
    : IJob
{
    public const string JobName = "ComputeMetrics";
    public const string QueueName = "compute-metrics";
    public const int MaxBackfillDays = 90;

    public string Name => JobName;

    public string ScheduleSetting => "MetricsSchedule";

    public string DefaultSchedule => "0 0 2 * * *";

    public string Queue => QueueName;

    /// <summary>Every portfolio, with its due days; a portfolio whose snapshots are up to date is still due for today.</summary>
    public async IAsyncEnumerable<PlannedWork> PlanAsync([EnumeratorCancellation] CancellationToken ct)
    {
        // The due days are looked up 100 portfolios at a time, 8 at once: two small queries per portfolio.
        await foreach (var page in portfolios.EveryAsync(ct).Chunk(100).WithCancellation(ct))
        {
            var planned = new PlannedWork[page.Length];
            await Parallel.ForAsync(0, page.Length, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                async (i, token) => planned[i] = new PlannedWork(page[i].RowKey, await DueDaysAsync(page[i], token)));
            foreach (var work in planned)
            {
                yield return work;
            }
        }
    }

    /// <summary>Computes and writes the message's days for its portfolio; a portfolio deleted since the plan has nothing to do.</summary>
    public async Task<JobCounts> ProcessAsync(PortfolioWork work, CancellationToken ct)
    {
        var portfolio = await portfolios.FindAsync(work.PortfolioId, ct);
        if (portfolio is null)
        {
            LogGone(work.PortfolioId);
            return new JobCounts(1, 0, 0);
        }
        var histories = await loader.LoadAsync(portfolio.RowKey, ct);
        var written = 0;
        foreach (var day in work.Days)
        {
            var result = engine.Compute(portfolio.RowKey, histories, day, portfolio.Zone);
            written += await snapshots.WriteAsync(result, time.GetUtcNow(), ct);
        }
        LogComputed(portfolio.RowKey, work.Days.Count, written);
        return new JobCounts(1, work.Days.Count, written);
    }

    /// <summary>The days to compute for a portfolio: from the day after its newest snapshot (or today) to today.</summary>
    public async Task<IReadOnlyList<DateOnly>> DueDaysAsync(PortfolioEntity portfolio, CancellationToken ct)
    {
        var today = Today(portfolio);
        var earliest = today.AddDays(-(MaxBackfillDays - 1));
        var latest = await snapshots.LatestDayAsync(portfolio.RowKey, earliest, ct);
        var first = latest switch
        {
            { } l when l < today => l.AddDays(1),
            { } => today,
            // Nothing in the window: a portfolio that ran before it gets the whole window; a new one only today.
            null => await snapshots.AnyBeforeAsync(portfolio.RowKey, earliest, ct) ? earliest : today,
        };
        return [.. Enumerable.Range(0, today.DayNumber - first.DayNumber + 1).Select(first.AddDays)];
    }

    public DateOnly Today(PortfolioEntity portfolio) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), portfolio.Zone).DateTime);

    [LoggerMessage(LogLevel.Information, "Computed metrics for {PortfolioId}: {DayCount} days, {SnapshotCount} project snapshots")]
    private partial void LogComputed(string portfolioId, int dayCount, int snapshotCount);

    [LoggerMessage(LogLevel.Information, "Portfolio {PortfolioId} was deleted since the run was planned; nothing to compute")]
    private partial void LogGone(string portfolioId);
}
