using Azure;
using Azure.Data.Tables;
using Tracker.Common;
using Tracker.Mail;
using Tracker.Schedules;
using Tracker.Storage;

namespace Tracker.Digests;

/// <summary>The Subscriptions table: PartitionKey the portfolio id, RowKey the subscription id.</summary>
public sealed class SubscriptionStore(TrackerTables tables) : TableStore<SubscriptionEntity>(tables, Name)
{
    public const string Name = "Subscriptions";

    public static string Partition(string portfolioId) => portfolioId;

    public static string RowKey(string subscriptionId) => subscriptionId;

    /// <summary>Adds a subscription. Its id is the request's own (see RequestIdentity): a row already there is this request's, written by an earlier attempt.</summary>
    public async Task AddAsync(SubscriptionEntity entity, CancellationToken ct) => await TryAddAsync(entity, ct);

    public async Task<SubscriptionEntity?> FindAsync(string portfolioId, string id, CancellationToken ct) =>
        Ids.IsValid(portfolioId) && Ids.IsValid(id) ? await ReadRowAsync(Partition(portfolioId), RowKey(id), ct) : null;

    public Task<(IReadOnlyList<SubscriptionEntity> Items, string? Token)> ListAsync(string portfolioId, int limit, string? token, CancellationToken ct) =>
        ReadPageAsync(KeyFilter.Partition(Partition(portfolioId)), limit, token, ct);

    public Task<List<SubscriptionEntity>> ActiveAsync(string portfolioId, CancellationToken ct) =>
        ReadAllAsync(KeyFilter.Partition(Partition(portfolioId)) + " and " + KeyFilter.Column(nameof(SubscriptionEntity.Active), "eq", true), ct);

    public Task ReplaceAsync(SubscriptionEntity entity, CancellationToken ct) =>
        ReplaceAsync(entity, ETag.All, $"Subscription '{entity.RowKey}' of portfolio '{entity.PartitionKey}'", ct);

    /// <summary>Deletes a subscription; false when there was none.</summary>
    public Task<bool> DeleteAsync(string portfolioId, string id, CancellationToken ct) =>
        DeleteAsync(Partition(portfolioId), RowKey(id), ETag.All, $"Subscription '{id}' of portfolio '{portfolioId}'", ct);
}
