using System.Globalization;
using Azure.Data.Tables;
using Tracker.Storage;

namespace Tracker.Portfolios;

/// <summary>
/// The Updates table: the append-only history of each project. PartitionKey is <c>{portfolioId}|{projectId}</c> (the
/// feed's ProjectKey too); RowKey is the inverted ticks of reportedAt, then the inverted ticks of the time it was
/// recorded, then the id — so a partition reads newest first, ties going to the update recorded last, and a
/// reportedAt range is a RowKey range.
/// </summary>
public sealed class UpdateStore(TrackerTables tables) : FeedSourceStore<UpdateEntity>(tables, Name)
{
    public const string Name = "Updates";

    private const char Separator = '|';

    public static string Partition(string portfolioId, string projectId) => portfolioId + Separator + projectId;

    /// <summary>The portfolio of a partition key.</summary>
    public static string PortfolioOf(string partitionKey) => partitionKey.Split(Separator)[0];

    /// <summary>The partition keys of every project of a portfolio: [From, Before).</summary>
    public static (string From, string Before) PortfolioPartitions(string portfolioId) =>
        (portfolioId + Separator, portfolioId + (char)(Separator + 1));

    public static string RowKey(DateTimeOffset reportedAt, DateTimeOffset recordedAt, string id) =>
        $"{Inverted(reportedAt)}_{Inverted(recordedAt)}_{id}";

    /// <summary>The smallest RowKey of an update reported before <paramref name="instant"/> (newer ones sort first).</summary>
    public static string RowKeyBefore(DateTimeOffset instant) => Pad(DateTimeOffset.MaxValue.UtcTicks - instant.UtcTicks + 1);

    /// <summary>The RowKey condition of updates reported in [from, to): a RowKey range, since RowKeys are inverted ticks.</summary>
    public static string ReportedBetween(DateTimeOffset? from, DateTimeOffset? to) =>
        (to is { } end ? " and " + TableClient.CreateQueryFilter($"RowKey ge {RowKeyBefore(end)}") : "")
        + (from is { } start ? " and " + TableClient.CreateQueryFilter($"RowKey lt {RowKeyBefore(start)}") : "");

    private static string Inverted(DateTimeOffset instant) => Pad(DateTimeOffset.MaxValue.UtcTicks - instant.UtcTicks);

    private static string Pad(long value) => value.ToString("D19", CultureInfo.InvariantCulture);

    private static string ProjectFilter(string portfolioId, string projectId) => KeyFilter.Partition(Partition(portfolioId, projectId));

    /// <summary>Adds an update; an update with the same key already stored (a retried write) counts as added.</summary>
    public async Task AddAsync(UpdateEntity entity, CancellationToken ct) => await TryAddAsync(entity, ct);

    /// <summary>
    /// Writes many updates of one project in entity group transactions. Upserts: an update's row is determined by its
    /// id and times, so writing it again (a retried import) writes the same row.
    /// </summary>
    public Task AddManyAsync(IReadOnlyList<UpdateEntity> entities, CancellationToken ct) =>
        SubmitBatchesAsync(entities.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), "An update changed while it was written.", ct);

    /// <summary>Every update of a project within [from, to), newest first.</summary>
    public Task<List<UpdateEntity>> AllAsync(string portfolioId, string projectId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
        ReadAllAsync(ProjectFilter(portfolioId, projectId) + ReportedBetween(from, to), ct);

    /// <summary>Every update of a project, newest first, with only <paramref name="columns"/> (the metrics engine's read).</summary>
    public IAsyncEnumerable<UpdateEntity> EveryAsync(string portfolioId, string projectId, IEnumerable<string> columns, CancellationToken ct) =>
        ReadEveryAsync<UpdateEntity>(ProjectFilter(portfolioId, projectId), columns, ct);

    /// <summary>A project's history as facts in replay order: the partition read newest first, reversed (the compact history's source).</summary>
    public async Task<List<UpdateFact>> FactsAsync(string portfolioId, string projectId, CancellationToken ct)
    {
        var facts = new List<UpdateFact>();
        await foreach (var u in EveryAsync(portfolioId, projectId, UpdateFact.Columns, ct))
        {
            facts.Add(UpdateFact.Of(u));
        }
        facts.Reverse();
        return facts;
    }

    /// <summary>The partition's first row: RowKeys are inverted reportedAt ticks, so that is the newest update.</summary>
    public Task<UpdateEntity?> NewestAsync(string portfolioId, string projectId, CancellationToken ct) =>
        ReadFirstAsync<UpdateEntity>(ProjectFilter(portfolioId, projectId), ct);

    /// <summary>The newest update of a project that carries a note, or null.</summary>
    public Task<UpdateEntity?> NewestNoteAsync(string portfolioId, string projectId, CancellationToken ct) =>
        ReadFirstAsync<UpdateEntity>(ProjectFilter(portfolioId, projectId) + " and " + KeyFilter.Column(nameof(UpdateEntity.Note), "ne", ""), ct);

    /// <summary>A page of history, newest first, of updates reported in [from, to).</summary>
    public Task<(IReadOnlyList<UpdateEntity> Items, string? Token)> ListAsync(
        string portfolioId, string projectId, DateTimeOffset? from, DateTimeOffset? to, int limit, string? token, CancellationToken ct) =>
        ReadPageAsync(ProjectFilter(portfolioId, projectId) + ReportedBetween(from, to), limit, token, ct);

    /// <summary>Deletes a project's whole history, 100 rows per entity group transaction.</summary>
    public Task DeleteAllAsync(string portfolioId, string projectId, CancellationToken ct) => DeleteEveryAsync(ProjectFilter(portfolioId, projectId), ct);
}
