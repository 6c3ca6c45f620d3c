using Tracker.Api;

namespace Tracker.Security;

/// <summary>Grants (admin): limit an Entra user or group to portfolios, list them, revoke them.</summary>
public sealed class GrantHandlers(GrantStore grants, AccessAdmin admin)
{
    public async Task<ApiResponse> Create(Call call)
    {
        var grant = await admin.CreateGrantAsync(await call.ReadJsonAsync<CreateGrantRequest>(), call.Identity, call.Caller, call.Aborted);
        return ApiResponse.Created(grant, $"/{Routes.Prefix}/grants/{grant.Id}");
    }

    public async Task<ApiResponse> List(Call call)
    {
        var paging = await call.PagingAsync("grants");
        var (items, token) = await grants.ListAsync(paging.Limit, paging.StorageToken, call.Aborted);
        return ApiResponse.Ok(new Page<Grant>([.. items.Select(g => g.ToApi())], await call.NextTokenAsync(token, "grants")));
    }

    public async Task<ApiResponse> Get(Call call)
    {
        var entity = await admin.FindGrantAsync(call.Route("grantId"), call.Aborted);
        return ApiResponse.Ok(entity.ToApi(), entity.ETag.ToString());
    }

    /// <summary>Revokes a grant: the row stays with revokedAt; the principal's scope no longer includes it.</summary>
    public async Task<ApiResponse> Revoke(Call call)
    {
        var grantId = call.Route("grantId");
        var entity = await admin.FindGrantAsync(grantId, call.Aborted);
        call.RequireMatch(entity.ETag, $"Grant '{grantId}'");
        await admin.RevokeGrantAsync(entity, call.Caller, call.Aborted);
        return ApiResponse.NoContent();
    }
}
