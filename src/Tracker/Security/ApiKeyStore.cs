using Azure;
using Azure.Data.Tables;
using Tracker.Hosting;
using Tracker.Storage;

namespace Tracker.Security;

public sealed class ApiKeyStore(TrackerTables tables)
{
    private TableClient Table => tables.ApiKeys;

    public async Task<ApiKeyEntity?> FindAsync(string keyId, CancellationToken ct)
    {
        var found = await Table.GetEntityIfExistsAsync<ApiKeyEntity>(ApiKeyEntity.Partition, keyId, cancellationToken: ct);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Writes a new key under its request's id (see KeyHandlers.Create).</summary>
    public Task UpsertAsync(ApiKeyEntity entity, CancellationToken ct) => Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);

    public async Task<(IReadOnlyList<ApiKeyEntity> Items, string? Token)> ListAsync(int limit, string? token, CancellationToken ct)
    {
        return await Table.PageAsync<ApiKeyEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ApiKeyEntity.Partition}"), limit, token, ct);
    }

    public async Task UpdateAsync(ApiKeyEntity entity, CancellationToken ct)
    {
        try
        {
            await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw Problems.PreconditionFailed("The key changed since it was read; read it again.");
        }
    }
}
