using Azure;
using Azure.Data.Tables;
using Tracker.Hosting;
using Tracker.Storage;

namespace Tracker.Digests;

public sealed class SubscriptionStore(TrackerTables tables)
{
    private TableClient Table => tables.Subscriptions;

    public async Task AddAsync(SubscriptionEntity entity, CancellationToken ct)
    {
        try
        {
            await Table.AddEntityAsync(entity, ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // The id is the request's own (see RequestIdentity): the row is this request's, written by an earlier attempt.
        }
    }

    public async Task<SubscriptionEntity?> FindAsync(string portfolioId, string id, CancellationToken ct)
    {
        if (!Ids.IsValid(portfolioId) || !Ids.IsValid(id))
        {
            return null;
        }
        var found = await Table.GetEntityIfExistsAsync<SubscriptionEntity>(portfolioId, id, cancellationToken: ct);
        return found.HasValue ? found.Value : null;
    }

    public async Task<(IReadOnlyList<SubscriptionEntity> Items, string? Token)> ListAsync(string portfolioId, int limit, string? token, CancellationToken ct)
    {
        return await Table.PageAsync<SubscriptionEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {portfolioId}"), limit, token, ct);
    }

    public async Task<List<SubscriptionEntity>> ActiveAsync(string portfolioId, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {portfolioId} and Active eq {true}");
        var list = new List<SubscriptionEntity>();
        await foreach (var s in Table.QueryAsync<SubscriptionEntity>(filter, 1000, cancellationToken: ct))
        {
            list.Add(s);
        }
        return list;
    }

    public async Task ReplaceAsync(SubscriptionEntity entity, CancellationToken ct) =>
        await Table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Replace, ct);

    public async Task<bool> DeleteAsync(string portfolioId, string id, CancellationToken ct)
    {
        try
        {
            await Table.DeleteEntityAsync(portfolioId, id, ETag.All, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }
}
