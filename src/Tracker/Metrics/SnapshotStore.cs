using Azure.Data.Tables;
using Tracker.Storage;

namespace Tracker.Metrics;

/// <summary>ProjectSnapshots and PortfolioSnapshots: day partitions written in batches, read by point or key range.</summary>
public sealed class SnapshotStore(TrackerTables tables)
{
    private const int BatchSize = 100;

    /// <summary>
    /// Writes one day: the project snapshots first, in upsert batches of 100 within the day's partition, then the
    /// portfolio snapshot, which marks the day complete. Rewriting a day replaces every row with the new values.
    /// </summary>
    public async Task<int> WriteAsync(MetricsResult result, DateTimeOffset computedAt, CancellationToken ct)
    {
        var portfolioId = result.Portfolio.PortfolioId;
        var batch = new List<TableTransactionAction>(BatchSize);
        foreach (var project in result.Projects)
        {
            batch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, ProjectSnapshotEntity.From(portfolioId, project, computedAt)));
            if (batch.Count == BatchSize)
            {
                await tables.ProjectSnapshots.SubmitTransactionAsync(batch, ct);
                batch.Clear();
            }
        }
        if (batch.Count > 0)
        {
            await tables.ProjectSnapshots.SubmitTransactionAsync(batch, ct);
        }
        await tables.PortfolioSnapshots.UpsertEntityAsync(PortfolioSnapshotEntity.From(result.Portfolio, computedAt), TableUpdateMode.Replace, ct);
        return result.Projects.Count;
    }

    public async Task<PortfolioMetrics?> FindPortfolioAsync(string portfolioId, DateOnly day, CancellationToken ct)
    {
        var found = await tables.PortfolioSnapshots.GetEntityIfExistsAsync<TableEntity>(portfolioId, DayKey.Text(day), cancellationToken: ct);
        return found.HasValue ? PortfolioSnapshotEntity.ToMetrics(found.Value!) : null;
    }

    public async Task<ProjectMetrics?> FindProjectAsync(string portfolioId, string projectId, DateOnly day, CancellationToken ct)
    {
        var found = await tables.ProjectSnapshots.GetEntityIfExistsAsync<ProjectSnapshotEntity>(
            ProjectSnapshotEntity.Partition(portfolioId, day), projectId, cancellationToken: ct);
        return found.HasValue ? found.Value!.ToMetrics() : null;
    }

    /// <summary>Portfolio snapshots of the days in [from, to], oldest first: a RowKey range of the portfolio's partition.</summary>
    public async Task<(IReadOnlyList<PortfolioMetrics> Items, string? Token)> ListPortfolioAsync(
        string portfolioId, DateOnly from, DateOnly to, int limit, string? token, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {portfolioId} and RowKey ge {DayKey.Text(from)} and RowKey le {DayKey.Text(to)}");
        var (rows, next) = await tables.PortfolioSnapshots.PageAsync<TableEntity>(filter, limit, token, ct);
        return ([.. rows.Select(PortfolioSnapshotEntity.ToMetrics)], next);
    }

    /// <summary>The newest day with a complete snapshot in [notBefore, ...], or null.</summary>
    public async Task<DateOnly?> LatestDayAsync(string portfolioId, DateOnly notBefore, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {portfolioId} and RowKey ge {DayKey.Text(notBefore)}");
        DateOnly? latest = null;
        await foreach (var row in tables.PortfolioSnapshots.QueryAsync<TableEntity>(filter, 1000, ["RowKey"], ct))
        {
            latest = DayKey.Parse(row.RowKey);
        }
        return latest;
    }

    /// <summary>Whether the portfolio has any complete snapshot of a day before <paramref name="day"/>.</summary>
    public async Task<bool> AnyBeforeAsync(string portfolioId, DateOnly day, CancellationToken ct) =>
        await tables.PortfolioSnapshots.FirstOrDefaultAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {portfolioId} and RowKey lt {DayKey.Text(day)}"), ct, ["RowKey"]) is not null;
}
