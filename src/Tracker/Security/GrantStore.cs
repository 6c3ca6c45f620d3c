using Tracker.Storage;

namespace Tracker.Security;

/// <summary>The Grants table: one partition (grants are few and read whole), RowKey the grant id.</summary>
public sealed class GrantStore(TrackerTables tables) : TableStore<GrantEntity>(tables, Name)
{
    public const string Name = "Grants";

    public const string Partition = "grant";

    public Task<GrantEntity?> FindAsync(string grantId, CancellationToken ct) => ReadRowAsync(Partition, grantId, ct);

    public Task UpsertAsync(GrantEntity entity, CancellationToken ct) => UpsertRowAsync(entity, ct);

    public Task<(IReadOnlyList<GrantEntity> Items, string? Token)> ListAsync(int limit, string? token, CancellationToken ct) =>
        ReadPageAsync(KeyFilter.Partition(Partition), limit, token, ct);

    /// <summary>Every grant not revoked.</summary>
    public async Task<IReadOnlyList<GrantEntity>> ActiveAsync(CancellationToken ct) =>
        [.. (await ReadAllAsync(KeyFilter.Partition(Partition), ct)).Where(g => g.RevokedAt is null)];

    public Task UpdateAsync(GrantEntity entity, CancellationToken ct) => ReplaceAsync(entity, entity.ETag, "The grant", ct);
}
