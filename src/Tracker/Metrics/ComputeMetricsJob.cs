using Microsoft.Extensions.Logging;
using Tracker.Jobs;
using Tracker.Portfolios;

namespace Tracker.Metrics;

/// <summary>
/// ComputeMetrics: for every portfolio, snapshots as of today (in its time zone) and of each day missed since its
/// newest complete snapshot, at most <see cref="MaxBackfillDays"/> days back. A day is complete when its portfolio
/// snapshot exists (written last), so a run stopped anywhere is mended by the next: unfinished days are redone, and
/// redoing a day writes the same values.
/// </summary>
public sealed partial class ComputeMetricsJob(
    PortfolioStore portfolios, HistoryLoader loader, Snapshots snapshots, MetricsEngine engine, TimeProvider time, ILogger<ComputeMetricsJob> logger)
    : IJob
{
    public const string JobName = "ComputeMetrics";
    public const int MaxBackfillDays = 90;

    public string Name => JobName;

    public string ScheduleSetting => "MetricsSchedule";

    public string DefaultSchedule => "0 0 2 * * *";

    public async Task<JobCounts> RunAsync(IProgress<string>? progress, CancellationToken ct)
    {
        int portfolioCount = 0, dayCount = 0, snapshotCount = 0;
        string? token = null;
        do
        {
            var (page, next) = await portfolios.ListAsync(100, token, null, ct);
            foreach (var portfolio in page)
            {
                ct.ThrowIfCancellationRequested();
                var (days, written) = await ComputePortfolioAsync(portfolio, ct);
                portfolioCount++;
                dayCount += days;
                snapshotCount += written;
                progress?.Report(portfolio.RowKey);
            }
            token = next;
        }
        while (token is not null);
        return new JobCounts(portfolioCount, dayCount, snapshotCount);
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

    private async Task<(int Days, int Snapshots)> ComputePortfolioAsync(PortfolioEntity portfolio, CancellationToken ct)
    {
        var days = await DueDaysAsync(portfolio, ct);
        var histories = await loader.LoadAsync(portfolio.RowKey, ct);
        var written = 0;
        foreach (var day in days)
        {
            var result = engine.Compute(portfolio.RowKey, histories, day, portfolio.Zone);
            written += await snapshots.WriteAsync(result, time.GetUtcNow(), ct);
        }
        LogComputed(portfolio.RowKey, days.Count, written);
        return (days.Count, written);
    }

    [LoggerMessage(LogLevel.Information, "Computed metrics for {PortfolioId}: {DayCount} days, {SnapshotCount} project snapshots")]
    private partial void LogComputed(string portfolioId, int dayCount, int snapshotCount);
}
