
namespace Tracker.Metrics;

/// <summary>
/// The daily snapshots of the metrics, in two tables: a day is complete when its portfolio snapshot exists, so the
/// project snapshots are written first and the portfolio snapshot last. Rewriting a day replaces every row.
/// </summary>
public sealed class Snapshots(ProjectSnapshotStore projects, PortfolioSnapshotStore portfolios)
{
    public async Task<int> WriteAsync(MetricsResult result, DateTimeOffset computedAt, CancellationToken ct)
    {
        var portfolioId = result.Portfolio.PortfolioId;
        await projects.WriteAsync(result.Projects.Select(p => ProjectSnapshotEntity.From(portfolioId, p, computedAt)), ct);
        await portfolios.WriteAsync(PortfolioSnapshotEntity.From(result.Portfolio, computedAt), ct);
        return result.Projects.Count;
    }

    public async Task<PortfolioMetrics?> FindPortfolioAsync(string portfolioId, DateOnly day, CancellationToken ct) =>
        await portfolios.FindAsync(portfolioId, day, ct) is { } row ? PortfolioSnapshotEntity.ToMetrics(row) : null;

    public async Task<ProjectMetrics?> FindProjectAsync(string portfolioId, string projectId, DateOnly day, CancellationToken ct) =>
        (await projects.FindAsync(portfolioId, projectId, day, ct))?.ToMetrics();

    /// <summary>Every project's snapshot of one day (one partition).</summary>
    public async Task<IReadOnlyList<ProjectMetrics>> ProjectDayAsync(string portfolioId, DateOnly day, CancellationToken ct) =>
        [.. (await projects.DayAsync(portfolioId, day, ct)).Select(r => r.ToMetrics())];

    /// <summary>Portfolio snapshots of the days in [from, to], oldest first.</summary>
    public async Task<(IReadOnlyList<PortfolioMetrics> Items, string? Token)> ListPortfolioAsync(
        string portfolioId, DateOnly from, DateOnly to, int limit, string? token, CancellationToken ct)
    {
        var (rows, next) = await portfolios.ListAsync(portfolioId, from, to, limit, token, ct);
        return ([.. rows.Select(PortfolioSnapshotEntity.ToMetrics)], next);
    }

    /// <summary>The newest day with a complete snapshot in [notBefore, ...] and when its inputs were read, or null.</summary>
    public Task<(DateOnly Day, DateTimeOffset? ComputedAt)?> LatestAsync(string portfolioId, DateOnly notBefore, CancellationToken ct) =>
        portfolios.LatestAsync(portfolioId, notBefore, ct);

    /// <summary>
    /// A day's stored metrics when they are final — computed from inputs read after the day ended in the portfolio's
    /// zone, so they equal what the engine computes from the histories now — or null: none stored, or computed while
    /// the day still ran.
    /// </summary>
    public async Task<MetricsResult?> FindFinalAsync(string portfolioId, DateOnly day, TimeZoneInfo zone, CancellationToken ct)
    {
        if (await portfolios.FindAsync(portfolioId, day, ct) is not { } row || !IsFinal(day, row.GetDateTimeOffset(PortfolioSnapshotColumns.ComputedAt), zone))
        {
            return null;
        }
        var projectRows = await projects.DayAsync(portfolioId, day, ct);
        return new MetricsResult(PortfolioSnapshotEntity.ToMetrics(row), [.. projectRows.Select(r => r.ToMetrics())]);
    }

    /// <summary>Whether a snapshot of the day computed then saw the whole day: its inputs were read at or after the day's cutoff.</summary>
    public static bool IsFinal(DateOnly day, DateTimeOffset? computedAt, TimeZoneInfo zone) => computedAt >= MetricsEngine.Cutoff(day, zone);

    /// <summary>Whether the portfolio has any complete snapshot of a day before <paramref name="day"/>.</summary>
    public Task<bool> AnyBeforeAsync(string portfolioId, DateOnly day, CancellationToken ct) => portfolios.AnyBeforeAsync(portfolioId, day, ct);
}
