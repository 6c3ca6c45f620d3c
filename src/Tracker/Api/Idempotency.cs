using System.Security.Cryptography;
using System.Text;
using Azure;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Api;

/// <summary>
/// What a write is: the id it gives what it creates and the moment it happened. A POST with an Idempotency-Key keeps
/// the identity of its first attempt in its claim, so every retry writes the same rows (same ids, same keys) —
/// however the earlier attempt failed, a retry overwrites instead of duplicating (docs/decisions/0011).
/// </summary>
public sealed record RequestIdentity(string Id, DateTimeOffset At);

/// <summary>
/// A POST's first successful response, kept under (API key, Idempotency-Key, route) for 24 hours so that a retry
/// replays it instead of writing again, with the identity every attempt uses. PartitionKey is a hash of key id and
/// Idempotency-Key, RowKey a hash of the method and path; the body is kept as its SHA-256 only.
/// </summary>
public sealed class IdempotencyEntity : TableRow
{
    public string BodyHash { get; set; } = "";

    public bool Completed { get; set; }

    /// <summary>The attempt failed on the server's side (5xx): a retry may take the claim over at once.</summary>
    public bool Open { get; set; }

    public string? RequestId { get; set; }

    public DateTimeOffset? RequestAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Status { get; set; }

    public byte[]? Body { get; set; }

    public string? ContentType { get; set; }

    public string? ResponseETag { get; set; }

    public string? Location { get; set; }
}

public sealed class IdempotencyStore(TrackerTables tables, TimeProvider time, Microsoft.Extensions.Options.IOptions<Common.TrackerOptions> options)
    : TableStore<IdempotencyEntity>(tables, Name)
{
    public const string Name = "Idempotency";

    /// <summary>PartitionKey: a hash of the caller's key id and the Idempotency-Key.</summary>
    public static string Partition(string keyId, string idempotencyKey) => Hex($"{keyId}\n{idempotencyKey}");

    /// <summary>RowKey: a hash of the method and path the key was used on.</summary>
    public static string RowKey(string method, string path) => Hex($"{method} {path}");

    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>
    /// How long an unfinished attempt holds its key before a retry may take over (Tracker:IdempotencyPendingTimeout,
    /// 15 s). Taking over early is safe — both write the same rows — it only avoids doing the work twice at once.
    /// </summary>
    private TimeSpan PendingTimeout => options.Value.IdempotencyPendingTimeout;

    /// <summary>The biggest response kept for replay (a table property holds at most 64 KiB).</summary>
    private const int MaxStoredBody = 60 * 1024;

    public sealed record Claim(IdempotencyEntity Entity, ApiResponse? Replay)
    {
        public RequestIdentity Identity => new(Entity.RequestId!, Entity.RequestAt!.Value);
    }

    /// <summary>
    /// Claims the key for this request, or says what to answer instead: the stored response (same body), 422
    /// (another body), or 409 while an identical request is still being processed.
    /// </summary>
    public async Task<Claim> ClaimAsync(string keyId, string idempotencyKey, string method, string path, byte[] body, RequestIdentity fresh,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var entity = new IdempotencyEntity
        {
            PartitionKey = Partition(keyId, idempotencyKey),
            RowKey = RowKey(method, path),
            BodyHash = Convert.ToHexStringLower(SHA256.HashData(body)),
            CreatedAt = now,
            RequestId = fresh.Id,
            RequestAt = fresh.At,
        };
        if (await TryAddAsync(entity, ct))
        {
            return new Claim(entity, null);
        }
        var existing = await ReadRowAsync(entity.PartitionKey, entity.RowKey, ct) ?? throw InProgress();
        var expired = now - existing.CreatedAt > Retention;
        var abandoned = !existing.Completed && (existing.Open || now - existing.CreatedAt > PendingTimeout);
        if (!expired && existing.BodyHash != entity.BodyHash)
        {
            throw Problems.IdempotencyKeyReused();
        }
        if (!expired && existing.Completed)
        {
            return new Claim(existing, Replay(existing));
        }
        if (!expired && !abandoned)
        {
            throw InProgress();
        }
        if (!expired && existing.RequestId is not null && existing.RequestAt is not null)
        {
            // The same request again: it writes what the earlier attempt wrote, or began to.
            (entity.RequestId, entity.RequestAt) = (existing.RequestId, existing.RequestAt);
        }
        return await TryReplaceAsync(entity, existing.ETag, ct) ? new Claim(entity, null) : throw InProgress();
    }

    /// <summary>
    /// Keeps a successful response. A client error releases the key (nothing was written; the client may fix the body
    /// and retry with the same key). A server error keeps the identity and opens the claim, so the retry writes the
    /// same rows as this attempt may have.
    /// </summary>
    public async Task CompleteAsync(IdempotencyEntity claim, ApiResponse response, CancellationToken ct)
    {
        if (response.Status >= 500)
        {
            claim.Open = true;
            await ReplaceAsync(claim, claim.ETag, "The idempotency claim", ct);
            return;
        }
        if (response.Status >= 400 || response.Body.Length > MaxStoredBody)
        {
            await ReleaseAsync(claim, ct);
            return;
        }
        claim.Completed = true;
        claim.Status = response.Status;
        claim.Body = response.Body;
        claim.ContentType = response.ContentType;
        claim.ResponseETag = response.ETag;
        claim.Location = response.Location;
        await ReplaceAsync(claim, claim.ETag, "The idempotency claim", ct);
    }

    public async Task ReleaseAsync(IdempotencyEntity claim, CancellationToken ct)
    {
        try
        {
            await DeleteAsync(claim.PartitionKey, claim.RowKey, claim.ETag, "The idempotency claim", ct);
        }
        catch (ChangedSinceReadException)
        {
            // Taken over by a retry meanwhile: the claim is theirs now.
        }
    }

    private static ApiProblemException InProgress() => new(409, "Request in progress",
        "A request with this Idempotency-Key is still being processed; retry shortly.", retryAfter: TimeSpan.FromSeconds(1));

    private static ApiResponse Replay(IdempotencyEntity e) =>
        new(e.Status, e.Body ?? [], e.ContentType ?? ApiResponse.Json, e.ResponseETag, e.Location) { Replayed = true };

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
