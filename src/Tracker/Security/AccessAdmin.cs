using Azure;
using Microsoft.Extensions.Logging;
using Tracker.Api;
using Tracker.Common;

namespace Tracker.Security;

/// <summary>
/// What an admin does to API keys and Entra ID grants, for the API's routes and the dashboard's access page alike:
/// create (a key's secret is returned once and stored only hashed), revoke (the row stays with revokedAt, so its use
/// can still be traced) and find.
/// </summary>
public sealed partial class AccessAdmin(
    ApiKeyStore keys, ApiKeyAuthenticator authenticator, GrantStore grants, EntraAuthenticator entra, TimeProvider time, ILogger<AccessAdmin> logger)
{
    /// <summary>Creates a key; returns it with its secret, the only time the secret exists outside the caller's hands.</summary>
    /// <param name="identity">the request's id and moment: a retry with the same identity replaces the key its first attempt never delivered.</param>
    public async Task<ApiKey> CreateKeyAsync(CreateApiKeyRequest body, RequestIdentity identity, Caller by, CancellationToken ct)
    {
        var id = identity.Id;
        var secret = KeySecrets.NewSecret();
        var (salt, hash) = KeySecrets.Hash(secret);
        var entity = new ApiKeyEntity
        {
            RowKey = id,
            Name = body.Name!,
            Role = TrackerJson.Name(body.Role!.Value),
            Portfolios = body.Portfolios is null ? null : string.Join(',', body.Portfolios.Distinct(StringComparer.Ordinal)),
            Salt = salt,
            SecretHash = hash,
            CreatedAt = identity.At,
            CreatedBy = by.Name,
        };
        // Upsert: a retry of this very request (same Idempotency-Key, same id) replaces the key whose secret its
        // failed first attempt never delivered, so exactly one key exists and the client holds its secret.
        await keys.UpsertAsync(entity, ct);
        LogKeyCreated(id, entity.Role, by.KeyId);
        return entity.ToApi() with { Key = KeySecrets.Compose(id, secret) };
    }

    public async Task<ApiKeyEntity> FindKeyAsync(string keyId, CancellationToken ct) =>
        (Ids.IsValid(keyId) ? await keys.FindAsync(keyId, ct) : null) ?? throw Problems.NotFound($"API key '{keyId}' does not exist.");

    /// <summary>Revokes a key (once; revoking a revoked key changes nothing) and forgets it on this instance at once.</summary>
    public async Task RevokeKeyAsync(ApiKeyEntity entity, Caller by, CancellationToken ct)
    {
        if (entity.RevokedAt is null)
        {
            entity.RevokedAt = time.GetUtcNow();
            await keys.UpdateAsync(entity, ct);
            LogKeyRevoked(entity.RowKey, by.KeyId);
        }
        authenticator.Forget(entity.RowKey);
    }

    /// <summary>Limits an Entra ID user or group to some portfolios.</summary>
    public async Task<Grant> CreateGrantAsync(CreateGrantRequest body, RequestIdentity identity, Caller by, CancellationToken ct)
    {
        var entity = new GrantEntity
        {
            RowKey = identity.Id,
            PrincipalId = body.PrincipalId!.ToLowerInvariant(),
            PrincipalType = TrackerJson.Name(body.PrincipalType!.Value),
            Name = body.Name,
            Portfolios = string.Join(',', body.Portfolios!.Distinct(StringComparer.Ordinal)),
            CreatedAt = identity.At,
            CreatedBy = by.Name,
        };
        await grants.UpsertAsync(entity, ct); // a retry of this request (same id) writes the same grant
        entra.ForgetGrants();
        LogGrantCreated(entity.RowKey, entity.PrincipalType, entity.PrincipalId, by.KeyId);
        return entity.ToApi();
    }

    public async Task<GrantEntity> FindGrantAsync(string grantId, CancellationToken ct) =>
        (Ids.IsValid(grantId) ? await grants.FindAsync(grantId, ct) : null) ?? throw Problems.NotFound($"Grant '{grantId}' does not exist.");

    /// <summary>Revokes a grant: the principal's scope no longer includes it.</summary>
    public async Task RevokeGrantAsync(GrantEntity entity, Caller by, CancellationToken ct)
    {
        if (entity.RevokedAt is null)
        {
            entity.RevokedAt = time.GetUtcNow();
            await grants.UpdateAsync(entity, ct);
            LogGrantRevoked(entity.RowKey, by.KeyId);
        }
        entra.ForgetGrants();
    }

    /// <summary>Every key and every grant (an admin's page lists them all; there are tens, not thousands).</summary>
    public async Task<(IReadOnlyList<ApiKeyEntity> Keys, IReadOnlyList<GrantEntity> Grants)> AllAsync(CancellationToken ct)
    {
        var allKeys = new List<ApiKeyEntity>();
        string? token = null;
        do
        {
            (var items, token) = await keys.ListAsync(1000, token, ct);
            allKeys.AddRange(items);
        }
        while (token is not null);
        var allGrants = new List<GrantEntity>();
        do
        {
            (var items, token) = await grants.ListAsync(1000, token, ct);
            allGrants.AddRange(items);
        }
        while (token is not null);
        return (allKeys, allGrants);
    }

    [LoggerMessage(LogLevel.Information, "API key {KeyId} created with role {Role} by {CallerKeyId}")]
    private partial void LogKeyCreated(string keyId, string role, string callerKeyId);

    [LoggerMessage(LogLevel.Information, "API key {KeyId} revoked by {CallerKeyId}")]
    private partial void LogKeyRevoked(string keyId, string callerKeyId);

    [LoggerMessage(LogLevel.Information, "Grant {GrantId} created for {PrincipalType} {PrincipalId} by {CallerKeyId}")]
    private partial void LogGrantCreated(string grantId, string principalType, string principalId, string callerKeyId);

    [LoggerMessage(LogLevel.Information, "Grant {GrantId} revoked by {CallerKeyId}")]
    private partial void LogGrantRevoked(string grantId, string callerKeyId);
}
