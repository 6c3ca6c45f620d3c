using Azure;
using Azure.Data.Tables;
using Tracker.Hosting;
using Tracker.Storage;

namespace Tracker.Portfolios;

/// <summary>Portfolios live in one partition; every read is a point read or a range of that partition.</summary>
public sealed class PortfolioStore(TrackerTables tables)
{
    private TableClient Table => tables.Portfolios;

    public async Task<PortfolioEntity?> FindAsync(string id, CancellationToken ct)
    {
        if (!Ids.IsValid(id))
        {
            return null;
        }
        var found = await Table.GetEntityIfExistsAsync<PortfolioEntity>(PortfolioEntity.Partition, id, cancellationToken: ct);
        return found.HasValue ? found.Value : null;
    }

    public async Task<PortfolioEntity> GetAsync(string id, CancellationToken ct) =>
        await FindAsync(id, ct) ?? throw Problems.NotFound($"Portfolio '{id}' does not exist.");

    public async Task<PortfolioEntity> AddAsync(PortfolioEntity entity, CancellationToken ct)
    {
        try
        {
            var response = await Table.AddEntityAsync(entity, ct);
            entity.ETag = response.Headers.ETag ?? default;
            return entity;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // A retry of the request that created it (same Idempotency-Key) gets what it created.
            if (entity.RequestId is not null && await FindAsync(entity.RowKey, ct) is { } existing && existing.RequestId == entity.RequestId)
            {
                return existing;
            }
            throw Problems.Conflict($"Portfolio '{entity.RowKey}' already exists.");
        }
    }

    public async Task<PortfolioEntity> ReplaceAsync(PortfolioEntity entity, ETag ifMatch, CancellationToken ct)
    {
        try
        {
            var response = await Table.UpdateEntityAsync(entity, ifMatch, TableUpdateMode.Replace, ct);
            entity.ETag = response.Headers.ETag ?? default;
            return entity;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw Problems.PreconditionFailed($"Portfolio '{entity.RowKey}' changed since it was read (stale ETag); nothing was written.");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw Problems.NotFound($"Portfolio '{entity.RowKey}' does not exist.");
        }
    }

    public async Task DeleteAsync(string id, ETag ifMatch, CancellationToken ct)
    {
        try
        {
            await Table.DeleteEntityAsync(PortfolioEntity.Partition, id, ifMatch, ct);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw Problems.PreconditionFailed($"Portfolio '{id}' changed since it was read (stale ETag); nothing was deleted.");
        }
    }

    /// <summary>A page of portfolios; with <paramref name="only"/>, just those ids (a scoped key's portfolios).</summary>
    public async Task<(IReadOnlyList<PortfolioEntity> Items, string? Token)> ListAsync(
        int limit, string? token, IReadOnlySet<string>? only, CancellationToken ct)
    {
        if (only is not null)
        {
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
        return await Table.PageAsync<PortfolioEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {PortfolioEntity.Partition}"), limit, token, ct);
    }
}
