using Azure;
using Azure.Data.Tables;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Portfolios;

/// <summary>The Projects table: partitioned by portfolio; reads are point reads or a scan of one portfolio's partition.</summary>
public sealed class ProjectStore(TrackerTables tables) : FeedSourceStore<ProjectEntity>(tables, Name)
{
    public const string Name = "Projects";

    public static string Partition(string portfolioId) => portfolioId;

    public static string RowKey(string projectId) => projectId;

    public static string PortfolioFilter(string portfolioId) => KeyFilter.Partition(Partition(portfolioId));

    public async Task<ProjectEntity?> FindAsync(string portfolioId, string projectId, CancellationToken ct) =>
        Ids.IsValid(portfolioId) && Ids.IsValid(projectId) ? await ReadRowAsync(Partition(portfolioId), RowKey(projectId), ct) : null;

    public async Task<ProjectEntity> GetAsync(string portfolioId, string projectId, CancellationToken ct) =>
        await FindAsync(portfolioId, projectId, ct) ?? throw new NotFoundException($"{Describe(portfolioId, projectId)} does not exist.");

    /// <summary>Adds a project; a retry of the request that created it (same request id) gets what it created.</summary>
    public async Task<ProjectEntity> AddAsync(ProjectEntity entity, CancellationToken ct)
    {
        if (await TryAddAsync(entity, ct))
        {
            return entity;
        }
        if (entity.RequestId is not null && await FindAsync(entity.PartitionKey, entity.RowKey, ct) is { } existing && existing.RequestId == entity.RequestId)
        {
            return existing;
        }
        throw new AlreadyExistsException($"{Describe(entity.PartitionKey, entity.RowKey)} already exists.");
    }

    /// <summary>Replaces the row if its ETag still matches; a stale ETag changes nothing (<see cref="ChangedSinceReadException"/>).</summary>
    public Task<ProjectEntity> ReplaceAsync(ProjectEntity entity, ETag ifMatch, CancellationToken ct) =>
        ReplaceAsync(entity, ifMatch, Describe(entity.PartitionKey, entity.RowKey), ct);

    public Task DeleteAsync(string portfolioId, string projectId, ETag ifMatch, CancellationToken ct) =>
        DeleteAsync(Partition(portfolioId), RowKey(projectId), ifMatch, Describe(portfolioId, projectId), ct);

    /// <summary>Every project of a portfolio, in id order.</summary>
    public Task<List<ProjectEntity>> AllAsync(string portfolioId, CancellationToken ct) => ReadAllAsync(PortfolioFilter(portfolioId), ct);

    /// <summary>Every project of a portfolio with only what names it (id, name, owner): partial rows, never written back.</summary>
    public Task<List<ProjectEntity>> NamesAsync(string portfolioId, CancellationToken ct) =>
        ReadAllAsync(PortfolioFilter(portfolioId), ct, ["PartitionKey", "RowKey", nameof(ProjectEntity.Name), nameof(ProjectEntity.Owner)]);

    /// <summary>Every project of a portfolio with only its compact history's state: partial rows, for deciding what to read, never to write back.</summary>
    public Task<List<ProjectEntity>> HistoryStatesAsync(string portfolioId, CancellationToken ct) =>
        ReadAllAsync(PortfolioFilter(portfolioId), ct,
            ["PartitionKey", "RowKey", nameof(ProjectEntity.HistoryCount), nameof(ProjectEntity.HistoryTooLarge), nameof(ProjectEntity.HistoryPending)]);

    /// <summary>
    /// Writes many projects of one portfolio in entity group transactions: new ones inserted, existing ones replaced
    /// with their ETag. A transaction that meets a concurrent change fails whole, and the caller re-plans those rows.
    /// </summary>
    public Task SubmitAsync(string portfolioId, IReadOnlyList<(ProjectEntity Entity, bool IsNew)> writes, CancellationToken ct) =>
        SubmitBatchesAsync(writes.Select(w => w.IsNew
                ? new TableTransactionAction(TableTransactionActionType.Add, w.Entity)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, w.Entity, w.Entity.ETag)),
            $"A project of portfolio '{portfolioId}' changed while the import was written; retry the import.", ct);

    /// <summary>Replaces up to 100 projects of one portfolio in one transaction, each with its ETag; false when one changed meanwhile.</summary>
    public async Task<bool> TryReplaceManyAsync(string portfolioId, IReadOnlyList<ProjectEntity> entities, CancellationToken ct)
    {
        try
        {
            await SubmitBatchesAsync(entities.Select(e => new TableTransactionAction(TableTransactionActionType.UpdateReplace, e, e.ETag)), portfolioId, ct);
            return true;
        }
        catch (ChangedSinceReadException)
        {
            return false;
        }
    }

    public async Task<bool> AnyAsync(string portfolioId, CancellationToken ct) =>
        await ReadFirstAsync<TableEntity>(PortfolioFilter(portfolioId), ct, ["RowKey"]) is not null;

    /// <summary>A full page of one portfolio's projects, filtered in storage by status, category and priority.</summary>
    public Task<(IReadOnlyList<ProjectEntity> Items, string? Token)> ListAsync(
        string portfolioId, ProjectStatus? status, Category? category, Priority? priority, int limit, string? token, CancellationToken ct)
    {
        var filter = PortfolioFilter(portfolioId);
        if (status is { } s)
        {
            filter += " and " + KeyFilter.Column(nameof(ProjectEntity.Status), "eq", TrackerJson.Name(s));
        }
        if (category is { } c)
        {
            filter += " and " + KeyFilter.Column(nameof(ProjectEntity.Category), "eq", TrackerJson.Name(c));
        }
        if (priority is { } p)
        {
            filter += " and " + KeyFilter.Column(nameof(ProjectEntity.Priority), "eq", TrackerJson.Name(p));
        }
        return ReadFullPageAsync(filter, limit, token, ct);
    }

    private static string Describe(string portfolioId, string projectId) => $"Project '{projectId}' in portfolio '{portfolioId}'";
}
