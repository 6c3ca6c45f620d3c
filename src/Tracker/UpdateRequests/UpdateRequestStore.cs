using System.Security.Cryptography;
using System.Text;
using Azure;
using Tracker.Storage;

namespace Tracker.UpdateRequests;

/// <summary>One request mail to one owner in one period: claimed before sending, marked after (the DigestLog pattern).</summary>
public sealed class UpdateRequestEntity : TableRow, Mail.IMailClaim
{
    public string Email { get; set; } = "";

    public string Period { get; set; } = "";

    /// <summary>sending (claimed), sent, or failed (permanently).</summary>
    public string State { get; set; } = "sending";

    public DateTimeOffset ClaimedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public string? MessageId { get; set; }

    /// <summary>The projects the mail asked about, comma-separated.</summary>
    public string ProjectIds { get; set; } = "";

    public bool CopiedOwner { get; set; }

    public string? Error { get; set; }
}

/// <summary>An owner who asked for no more update requests of a portfolio.</summary>
public sealed class UpdateRequestOptOutEntity : TableRow
{
    public string Email { get; set; } = "";

    public DateTimeOffset At { get; set; }
}

/// <summary>
/// The UpdateRequests table: PartitionKey the portfolio id; RowKey <c>{period}|{owner}</c> for a request and
/// <c>optout|{owner}</c> for an opt-out, where owner is a hash of the lower-cased address (addresses may hold
/// characters keys cannot).
/// </summary>
public sealed class UpdateRequestStore(TrackerTables tables) : TableStore<UpdateRequestEntity>(tables, Name), Mail.IMailClaimLog<UpdateRequestEntity>
{
    public const string Name = "UpdateRequests";

    public static string Partition(string portfolioId) => portfolioId;

    public static string RowKey(string period, string email) => period + "|" + OwnerKey(email);

    public static string OptOutKey(string email) => "optout|" + OwnerKey(email);

    public static string OwnerKey(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())))[..32];

    /// <summary>Claims the owner's request of a period; false when it exists (claimed, sent or failed before).</summary>
    public Task<bool> TryClaimAsync(UpdateRequestEntity claim, CancellationToken ct) => TryAddAsync(claim, ct);

    public Task<UpdateRequestEntity?> FindAsync(string portfolioId, string period, string email, CancellationToken ct) =>
        ReadRowAsync(Partition(portfolioId), RowKey(period, email), ct);

    public Task MarkAsync(UpdateRequestEntity claim, CancellationToken ct) =>
        ReplaceAsync(claim, ETag.All, $"Update request '{claim.RowKey}' of portfolio '{claim.PartitionKey}'", ct);

    /// <summary>Takes over a claim that is still as read; false when another run changed it first.</summary>
    public Task<bool> TryTakeOverAsync(UpdateRequestEntity claim, ETag asRead, CancellationToken ct) => TryReplaceAsync(claim, asRead, ct);

    /// <summary>Releases a claim so that a later run tries again.</summary>
    public Task ReleaseAsync(UpdateRequestEntity claim, CancellationToken ct) =>
        DeleteAsync(claim.PartitionKey, claim.RowKey, ETag.All, $"Update request '{claim.RowKey}' of portfolio '{claim.PartitionKey}'", ct);

    public async Task<bool> OptedOutAsync(string portfolioId, string email, CancellationToken ct) =>
        await ReadRowAsync<UpdateRequestOptOutEntity>(Partition(portfolioId), OptOutKey(email), ct) is not null;

    public Task OptOutAsync(string portfolioId, string email, DateTimeOffset at, CancellationToken ct) =>
        UpsertRowAsync(new UpdateRequestOptOutEntity { PartitionKey = Partition(portfolioId), RowKey = OptOutKey(email), Email = email, At = at }, ct);
}
