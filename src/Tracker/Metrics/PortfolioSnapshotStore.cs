using Azure.Data.Tables;
using Tracker.Storage;

namespace Tracker.Metrics;

/// <summary>
/// The PortfolioSnapshots table: a portfolio's metrics as of a day, PartitionKey the portfolio id, RowKey the day
/// (yyyymmdd), so a portfolio's days are a RowKey range. Rows are untyped (<see cref="PortfolioSnapshotEntity"/>
/// flattens the rates into columns).
/// </summary>
public sealed class PortfolioSnapshotStore(TrackerTables tables) : FeedSourceStore<TableEntity>(tables, Name)
{
    public const string Name = "PortfolioSnapshots";

    public static string Partition(string portfolioId) => portfolioId;

    public static string RowKey(DateOnly day) => DayKey.Text(day);

    public static DateOnly DayOf(string rowKey) => DayKey.Parse(rowKey);

    /// <summary>The RowKey conditions of the days in [from, to] (either open).</summary>
    /// <param name="from">the first day's key (<see cref="DayKey"/>), or null.</param>
    /// <param name="to">the last day's key, or null.</param>
    public static string Days(string? from, string? to) =>
        (from is not null ? " and " + TableClient.CreateQueryFilter($"RowKey ge {from}") : "")
        + (to is not null ? " and " + TableClient.CreateQueryFilter($"RowKey le {to}") : "");

    public Task WriteAsync(TableEntity row, CancellationToken ct) => UpsertRowAsync(row, ct);

    public Task<TableEntity?> FindAsync(string portfolioId, DateOnly day, CancellationToken ct) => ReadRowAsync(Partition(portfolioId), RowKey(day), ct);

    /// <summary>The days in [from, to], oldest first.</summary>
    public Task<(IReadOnlyList<TableEntity> Items, string? Token)> ListAsync(string portfolioId, DateOnly from, DateOnly to, int limit, string? token,
        CancellationToken ct) => ReadPageAsync(KeyFilter.Partition(Partition(portfolioId)) + Days(RowKey(from), RowKey(to)), limit, token, ct);

    /// <summary>The newest day in [notBefore, ...] and when its snapshot was computed, or null.</summary>
    public async Task<(DateOnly Day, DateTimeOffset? ComputedAt)?> LatestAsync(string portfolioId, DateOnly notBefore, CancellationToken ct)
    {
        (DateOnly, DateTimeOffset?)? latest = null;
        await foreach (var row in ReadEveryAsync<TableEntity>(
            KeyFilter.Partition(Partition(portfolioId)) + Days(RowKey(notBefore), null), ["RowKey", PortfolioSnapshotColumns.ComputedAt], ct))
        {
            latest = (DayOf(row.RowKey), row.GetDateTimeOffset(PortfolioSnapshotColumns.ComputedAt));
        }
        return latest;
    }

    /// <summary>Whether the portfolio has a snapshot of a day before <paramref name="day"/>.</summary>
    public async Task<bool> AnyBeforeAsync(string portfolioId, DateOnly day, CancellationToken ct) =>
        await ReadFirstAsync<TableEntity>(KeyFilter.Partition(Partition(portfolioId)) + " and " + TableClient.CreateQueryFilter($"RowKey lt {RowKey(day)}"), ct, ["RowKey"]) is not null;
}
