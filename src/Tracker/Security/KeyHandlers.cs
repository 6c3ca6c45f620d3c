using Tracker.Api;

namespace Tracker.Security;

public sealed class KeyHandlers(ApiKeyStore keys, AccessAdmin admin)
{
    public async Task<ApiResponse> Create(Call call)
    {
        var key = await admin.CreateKeyAsync(await call.ReadJsonAsync<CreateApiKeyRequest>(), call.Identity, call.Caller, call.Aborted);
        return ApiResponse.Created(key, Routes.KeyPath(key.Id));
    }

    public async Task<ApiResponse> List(Call call)
    {
        var paging = await call.PagingAsync("keys");
        var (items, token) = await keys.ListAsync(paging.Limit, paging.StorageToken, call.Aborted);
        return ApiResponse.Ok(new Page<ApiKey>([.. items.Select(k => k.ToApi())], await call.NextTokenAsync(token, "keys")));
    }

    public async Task<ApiResponse> Get(Call call)
    {
        var entity = await admin.FindKeyAsync(call.Route("keyId"), call.Aborted);
        return ApiResponse.Ok(entity.ToApi(), entity.ETag.ToString());
    }

    /// <summary>Revokes a key: the row stays (with revokedAt) so its use can still be traced, but it no longer authenticates.</summary>
    public async Task<ApiResponse> Revoke(Call call)
    {
        var keyId = call.Route("keyId");
        var entity = await admin.FindKeyAsync(keyId, call.Aborted);
        call.RequireMatch(entity.ETag, $"Key '{keyId}'");
        await admin.RevokeKeyAsync(entity, call.Caller, call.Aborted);
        return ApiResponse.NoContent();
    }
}
