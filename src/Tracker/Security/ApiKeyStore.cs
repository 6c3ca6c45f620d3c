using Azure.Data.Tables;
using Tracker.Storage;

namespace Tracker.Security;

/// <summary>The ApiKeys table: one partition, RowKey the key id.</summary>
public sealed class ApiKeyStore(TrackerTables tables) : TableStore<ApiKeyEntity>(tables, Name)
{
    public const string Name = "ApiKeys";

    /// <summary>The one partition every key lives in.</summary>
    public const string Partition = "key";

    public static string RowKey(string keyId) => keyId;

    public Task<ApiKeyEntity?> FindAsync(string keyId, CancellationToken ct) => ReadRowAsync(Partition, RowKey(keyId), ct);

    /// <summary>Writes a new key under its request's id (see KeyHandlers.Create).</summary>
    public Task UpsertAsync(ApiKeyEntity entity, CancellationToken ct) => UpsertRowAsync(entity, ct);

    public Task<(IReadOnlyList<ApiKeyEntity> Items, string? Token)> ListAsync(int limit, string? token, CancellationToken ct) =>
        ReadPageAsync(KeyFilter.Partition(Partition), limit, token, ct);

    /// <summary>Replaces a key with the ETag it was read with.</summary>
    public Task UpdateAsync(ApiKeyEntity entity, CancellationToken ct) => ReplaceAsync(entity, entity.ETag, "The key", ct);
}
