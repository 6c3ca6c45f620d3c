
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

    /// <summary>Portfolio snapshots of the days in [from, to], oldest first.</summary>
    public async Task<(IReadOnlyList<PortfolioMetrics> Items, string? Token)> ListPortfolioAsync(
        string portfolioId, DateOnly from, DateOnly to, int limit, string? token, CancellationToken ct)
    {
        var (rows, next) = await portfolios.ListAsync(portfolioId, from, to, limit, token, ct);
        return ([.. rows.Select(PortfolioSnapshotEntity.ToMetrics)], next);
    }

    /// <summary>The newest day with a complete snapshot in [notBefore, ...], or null.</summary>
    public Task<DateOnly?> LatestDayAsync(string portfolioId, DateOnly notBefore, CancellationToken ct) => portfolios.LatestDayAsync(portfolioId, notBefore, ct);

    /// <summary>Whether the portfolio has any complete snapshot of a day before <paramref name="day"/>.</summary>
    public Task<bool> AnyBeforeAsync(string portfolioId, DateOnly day, CancellationToken ct) => portfolios.AnyBeforeAsync(portfolioId, day, ct);
}
