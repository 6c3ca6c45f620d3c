using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Tracker.Jobs;
using Tracker.Portfolios;

namespace Tracker.Metrics;

/// <summary>
/// ComputeMetrics: for every portfolio (one queue message each), snapshots as of today (in its time zone) and of each
/// day missed since its newest complete snapshot, at most <see cref="MaxBackfillDays"/> days back; and, when history
/// arrived for past days since the last run (an import, a late update), every day from the first of them, at most
/// <see cref="MaxHistoryDays"/> back. A day is complete when its portfolio snapshot exists (written last), so a run
/// stopped anywhere is mended by the next: unfinished days are redone, and redoing a day writes the same values.
/// The histories come from the compact histories in the project rows: one partition query per portfolio.
/// </summary>
public sealed partial class ComputeMetricsJob(
    PortfolioStore portfolios, HistoryLoader loader, Snapshots snapshots, MetricsEngine engine, TimeProvider time, ILogger<ComputeMetricsJob> logger)
    : IJob
{
    public const string JobName = "ComputeMetrics";
    public const string QueueName = "compute-metrics";
    public const int MaxBackfillDays = 90;

    /// <summary>
    /// How far back history arriving late recomputes snapshots: 400 days, a year of trend and a month to compare it
    /// with; each day costs one snapshot row per project, so a year of imported history for 2,000 projects writes
    /// 800,000 rows once, and older days keep what they had.
    /// </summary>
    public const int MaxHistoryDays = 400;

    /// <summary>
    /// An update recorded up to this long before the last run's read still counts as new: a write stamps its updates
    /// with the time its request arrived, and its rows may land after a run that started meanwhile.
    /// </summary>
    public static readonly TimeSpan RecordedMargin = TimeSpan.FromHours(1);

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
        var today = Today(portfolio);
        var lastRun = (await snapshots.LatestAsync(portfolio.RowKey, today.AddDays(-(MaxHistoryDays - 1)), ct))?.ComputedAt;
        // The snapshots say when their inputs were read: what is recorded after that is new to the next run.
        var readAt = time.GetUtcNow();
        var (histories, counts) = await loader.LoadWithCountsAsync(portfolio.RowKey, ct);
        var days = work.Days.ToHashSet();
        if (LateFrom(histories, lastRun, portfolio.Zone) is { } late)
        {
            var first = late < today.AddDays(-(MaxHistoryDays - 1)) ? today.AddDays(-(MaxHistoryDays - 1)) : late;
            days.UnionWith(Enumerable.Range(0, Math.Max(0, today.DayNumber - first.DayNumber + 1)).Select(first.AddDays));
            LogLate(portfolio.RowKey, late, first);
        }
        var written = 0;
        foreach (var day in days.Order())
        {
            var result = engine.Compute(portfolio.RowKey, histories, day, portfolio.Zone);
            written += await snapshots.WriteAsync(result, readAt, ct);
        }
        LogComputed(portfolio.RowKey, days.Count, written, counts.Projects, counts.FromUpdates, counts.UpdateRows);
        return new JobCounts(1, days.Count, written);
    }

    /// <summary>
    /// The first day of history that arrived late since the last run: the local day of the earliest update recorded
    /// since then (less <see cref="RecordedMargin"/>) whose reportedAt falls on an earlier day than it was recorded.
    /// Without a run before, every such update counts (an import before the first run).
    /// </summary>
    public static DateOnly? LateFrom(IReadOnlyList<ProjectHistory> histories, DateTimeOffset? lastRun, TimeZoneInfo zone)
    {
        var since = lastRun is { } l ? l - RecordedMargin : DateTimeOffset.MinValue;
        DateOnly? first = null;
        foreach (var history in histories)
        {
            foreach (var u in history.Updates)
            {
                if (u.RecordedAt <= since || first is { } f && LocalDay(u.ReportedAt, zone) >= f)
                {
                    continue;
                }
                var reported = LocalDay(u.ReportedAt, zone);
                if (reported < LocalDay(u.RecordedAt, zone))
                {
                    first = reported;
                }
            }
        }
        return first;
    }

    private static DateOnly LocalDay(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>
    /// The days to compute for a portfolio: from the day after its newest snapshot (or today) to today; the newest
    /// day itself again when its snapshot was computed before that day ended, so each day's snapshot ends up final.
    /// </summary>
    public async Task<IReadOnlyList<DateOnly>> DueDaysAsync(PortfolioEntity portfolio, CancellationToken ct)
    {
        var today = Today(portfolio);
        var earliest = today.AddDays(-(MaxBackfillDays - 1));
        var latest = await snapshots.LatestAsync(portfolio.RowKey, earliest, ct);
        var first = latest switch
        {
            { Day: var l, ComputedAt: var at } when l < today => Snapshots.IsFinal(l, at, portfolio.Zone) ? l.AddDays(1) : l,
            { } => today,
            // Nothing in the window: a portfolio that ran before it gets the whole window; a new one only today.
            null => await snapshots.AnyBeforeAsync(portfolio.RowKey, earliest, ct) ? earliest : today,
        };
        return [.. Enumerable.Range(0, today.DayNumber - first.DayNumber + 1).Select(first.AddDays)];
    }

    public DateOnly Today(PortfolioEntity portfolio) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), portfolio.Zone).DateTime);

    [LoggerMessage(LogLevel.Information,
        "Computed metrics for {PortfolioId}: {DayCount} days, {SnapshotCount} project snapshots from {ProjectCount} projects ({FromUpdates} read from Updates, {UpdateRows} rows)")]
    private partial void LogComputed(string portfolioId, int dayCount, int snapshotCount, int projectCount, int fromUpdates, int updateRows);

    [LoggerMessage(LogLevel.Information, "History of {PortfolioId} arrived for days from {LateDay}; snapshots recomputed from {FirstDay}")]
    private partial void LogLate(string portfolioId, DateOnly lateDay, DateOnly firstDay);

    [LoggerMessage(LogLevel.Information, "Portfolio {PortfolioId} was deleted since the run was planned; nothing to compute")]
    private partial void LogGone(string portfolioId);
}
