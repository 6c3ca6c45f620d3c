using Azure;
using Tracker.Mail;
using Tracker.Storage;

namespace Tracker.Digests;

/// <summary>One row per mail per period: the idempotency of sending.</summary>
public sealed class DigestLogEntity : TableRow, IMailClaim
{
    public string SubscriptionId { get; set; } = "";

    public string Period { get; set; } = "";

    /// <summary>sending (claimed), sent, or failed (permanently).</summary>
    public string State { get; set; } = "sending";

    public DateTimeOffset ClaimedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public string? MessageId { get; set; }

    public string? Error { get; set; }
}

/// <summary>
/// The DigestLog table: PartitionKey the portfolio id, RowKey <c>{period}|{subscriptionId}</c>. A row is claimed
/// (added) before a mail is sent and marked after, so a second run finds the claim and sends nothing.
/// </summary>
public sealed class DigestLogStore(TrackerTables tables) : TableStore<DigestLogEntity>(tables, Name), IMailClaimLog<DigestLogEntity>
{
    public const string Name = "DigestLog";

    public static string Partition(string portfolioId) => portfolioId;

    public static string RowKey(string period, string subscriptionId) => period + "|" + subscriptionId;

    /// <summary>Claims the row; false when it exists (claimed, sent or failed before).</summary>
    public Task<bool> TryClaimAsync(DigestLogEntity claim, CancellationToken ct) => TryAddAsync(claim, ct);

    public Task<DigestLogEntity?> FindAsync(string portfolioId, string period, string subscriptionId, CancellationToken ct) =>
        ReadRowAsync(Partition(portfolioId), RowKey(period, subscriptionId), ct);

    /// <summary>Writes the claim's new state, whatever was stored.</summary>
    public Task MarkAsync(DigestLogEntity claim, CancellationToken ct) => ReplaceAsync(claim, ETag.All, Describe(claim), ct);

    /// <summary>Takes a claim over if it is still as read; false when another run changed it first.</summary>
    public Task<bool> TryTakeOverAsync(DigestLogEntity claim, ETag asRead, CancellationToken ct) => TryReplaceAsync(claim, asRead, ct);

    /// <summary>Releases a claim so that a later run tries again.</summary>
    public Task ReleaseAsync(DigestLogEntity claim, CancellationToken ct) => DeleteAsync(claim.PartitionKey, claim.RowKey, ETag.All, Describe(claim), ct);

    private static string Describe(DigestLogEntity claim) => $"Digest log '{claim.RowKey}' of portfolio '{claim.PartitionKey}'";
}
