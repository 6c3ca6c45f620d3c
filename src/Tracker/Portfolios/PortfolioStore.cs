using Azure;
using Azure.Data.Tables;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Portfolios;

/// <summary>The Portfolios table: one partition; every read is a point read or a range of that partition.</summary>
public sealed class PortfolioStore(TrackerTables tables) : FeedSourceStore<PortfolioEntity>(tables, Name)
{
    public const string Name = "Portfolios";

    /// <summary>The one partition every portfolio lives in.</summary>
    public const string Partition = "portfolio";

    public static string RowKey(string portfolioId) => portfolioId;

    public static string AllFilter => KeyFilter.Partition(Partition);

    public async Task<PortfolioEntity?> FindAsync(string id, CancellationToken ct) =>
        Ids.IsValid(id) ? await ReadRowAsync(Partition, RowKey(id), ct) : null;

    public async Task<PortfolioEntity> GetAsync(string id, CancellationToken ct) =>
        await FindAsync(id, ct) ?? throw new NotFoundException($"{Describe(id)} does not exist.");

    /// <summary>Adds a portfolio; a retry of the request that created it (same request id) gets what it created.</summary>
    public async Task<PortfolioEntity> AddAsync(PortfolioEntity entity, CancellationToken ct)
    {
        if (await TryAddAsync(entity, ct))
        {
            return entity;
        }
        if (entity.RequestId is not null && await FindAsync(entity.RowKey, ct) is { } existing && existing.RequestId == entity.RequestId)
        {
            return existing;
        }
        throw new AlreadyExistsException($"{Describe(entity.RowKey)} already exists.");
    }

    public Task<PortfolioEntity> ReplaceAsync(PortfolioEntity entity, ETag ifMatch, CancellationToken ct) =>
        ReplaceAsync(entity, ifMatch, Describe(entity.RowKey), ct);

    public Task DeleteAsync(string id, ETag ifMatch, CancellationToken ct) => DeleteAsync(Partition, RowKey(id), ifMatch, Describe(id), ct);

    /// <summary>A page of portfolios; with <paramref name="only"/>, just those ids (a scoped key's portfolios).</summary>
    public async Task<(IReadOnlyList<PortfolioEntity> Items, string? Token)> ListAsync(
        int limit, string? token, IReadOnlySet<string>? only, CancellationToken ct)
    {
        if (only is null)
        {
            return await ReadPageAsync(AllFilter, limit, token, ct);
        }
        var items = new List<PortfolioEntity>();
        foreach (var id in only.Order(StringComparer.Ordinal))
        {
            if (await FindAsync(id, ct) is { } entity)
            {
                items.Add(entity);
            }
        }
        return (items, null);
    }

    /// <summary>Every portfolio, in id order (the jobs' walk and the feed's plans).</summary>
    public IAsyncEnumerable<PortfolioEntity> EveryAsync(CancellationToken ct) => ReadEveryAsync<PortfolioEntity>(AllFilter, null, ct);

    /// <summary>One round trip to the table, whatever it holds: what the health check asks of storage.</summary>
    public async Task PingAsync(CancellationToken ct) =>
        await ReadFirstAsync<TableEntity>(KeyFilter.Partition("health"), ct, ["RowKey"]);

    private static string Describe(string id) => $"Portfolio '{id}'";
}
