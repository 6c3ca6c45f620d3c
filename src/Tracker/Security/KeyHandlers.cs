using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tracker.Api;
using Tracker.Common;

namespace Tracker.Security;

public sealed partial class KeyHandlers(
    ApiKeyStore keys, ApiKeyAuthenticator authenticator, TimeProvider time, ILogger<KeyHandlers> logger)
{
    public async Task<ApiResponse> Create(Call call)
    {
        var body = await call.ReadJsonAsync<CreateApiKeyRequest>();
        var id = call.Identity.Id;
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
            CreatedAt = call.Identity.At,
            CreatedBy = call.Caller.Name,
        };
        // Upsert: a retry of this very call.Request (same Idempotency-Key, same id) replaces the key whose secret its
        // failed first attempt never delivered, so exactly one key exists and the client holds its secret.
        await keys.UpsertAsync(entity, call.Aborted);
        LogCreated(id, entity.Role, call.Caller.KeyId);
        return ApiResponse.Created(entity.ToApi() with { Key = KeySecrets.Compose(id, secret) }, Routes.KeyPath(id));
    }

    public async Task<ApiResponse> List(Call call)
    {
        var paging = await call.PagingAsync("keys");
        var (items, token) = await keys.ListAsync(paging.Limit, paging.StorageToken, call.Aborted);
        return ApiResponse.Ok(new Page<ApiKey>([.. items.Select(k => k.ToApi())], await call.NextTokenAsync(token, "keys")));
    }

    public async Task<ApiResponse> Get(Call call)
    {
        var keyId = call.Route("keyId");
        var entity = await FindAsync(keyId, call.Aborted);
        return ApiResponse.Ok(entity.ToApi(), entity.ETag.ToString());
    }

    /// <summary>Revokes a key: the row stays (with revokedAt) so its use can still be traced, but it no longer authenticates.</summary>
    public async Task<ApiResponse> Revoke(Call call)
    {
        var keyId = call.Route("keyId");
        var entity = await FindAsync(keyId, call.Aborted);
        call.RequireMatch(entity.ETag, $"Key '{keyId}'");
        if (entity.RevokedAt is null)
        {
            entity.RevokedAt = time.GetUtcNow();
            await keys.UpdateAsync(entity, call.Aborted);
            LogRevoked(keyId, call.Caller.KeyId);
        }
        authenticator.Forget(keyId);
        return ApiResponse.NoContent();
    }

    private async Task<ApiKeyEntity> FindAsync(string keyId, CancellationToken ct) =>
        (Ids.IsValid(keyId) ? await keys.FindAsync(keyId, ct) : null) ?? throw Problems.NotFound($"API key '{keyId}' does not exist.");

    [LoggerMessage(LogLevel.Information, "API key {KeyId} created with role {Role} by {CallerKeyId}")]
    private partial void LogCreated(string keyId, string role, string callerKeyId);

    [LoggerMessage(LogLevel.Information, "API key {KeyId} revoked by {CallerKeyId}")]
    private partial void LogRevoked(string keyId, string callerKeyId);
}
