using Azure.Data.Tables;
using Tracker.Storage;

namespace Tracker.Metrics;

/// <summary>
/// The ProjectSnapshots table: a project's metrics as of a day. PartitionKey <c>{portfolioId}|{yyyymmdd}</c> (one
/// partition per portfolio and day, written in batches), RowKey the project id.
/// </summary>
public sealed class ProjectSnapshotStore(TrackerTables tables) : FeedSourceStore<ProjectSnapshotEntity>(tables, Name)
{
    public const string Name = "ProjectSnapshots";

    private const char Separator = '|';

    public static string Partition(string portfolioId, DateOnly day) => portfolioId + Separator + DayKey.Text(day);

    public static string RowKey(string projectId) => projectId;

    /// <summary>The partitions of a portfolio's days in [from, to] (either open): an inclusive PartitionKey range.</summary>
    /// <param name="from">the first day's key (<see cref="DayKey"/>), or null.</param>
    /// <param name="to">the last day's key, or null.</param>
    public static string PortfolioDays(string portfolioId, string? from, string? to) =>
        TableClient.CreateQueryFilter($"PartitionKey ge {portfolioId + Separator + (from ?? "")} and PartitionKey le {portfolioId + Separator + (to ?? "~")}");

    /// <summary>Writes a day's project snapshots: upsert batches of 100 within the day's partition.</summary>
    public Task WriteAsync(IEnumerable<ProjectSnapshotEntity> rows, CancellationToken ct) =>
        SubmitBatchesAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), "A snapshot changed while it was written.", ct);

    /// <summary>Every project snapshot of a portfolio's day, in project id order: one partition.</summary>
    public Task<List<ProjectSnapshotEntity>> DayAsync(string portfolioId, DateOnly day, CancellationToken ct) =>
        ReadAllAsync(KeyFilter.Partition(Partition(portfolioId, day)), ct);

    public Task<ProjectSnapshotEntity?> FindAsync(string portfolioId, string projectId, DateOnly day, CancellationToken ct) =>
        ReadRowAsync(Partition(portfolioId, day), RowKey(projectId), ct);
}
