using Microsoft.Extensions.Logging;
using Tracker.Api;
using Tracker.Common;

namespace Tracker.Security;

/// <summary>Grants (admin): limit an Entra user or group to portfolios, list them, revoke them.</summary>
public sealed partial class GrantHandlers(GrantStore grants, EntraAuthenticator entra, TimeProvider time, ILogger<GrantHandlers> logger)
{
    public async Task<ApiResponse> Create(Call call)
    {
        var body = await call.ReadJsonAsync<CreateGrantRequest>();
        var entity = new GrantEntity
        {
            RowKey = call.Identity.Id,
            PrincipalId = body.PrincipalId!.ToLowerInvariant(),
            PrincipalType = TrackerJson.Name(body.PrincipalType!.Value),
            Name = body.Name,
            Portfolios = string.Join(',', body.Portfolios!.Distinct(StringComparer.Ordinal)),
            CreatedAt = call.Identity.At,
            CreatedBy = call.Caller.Name,
        };
        await grants.UpsertAsync(entity, call.Aborted); // a retry of this request (same id) writes the same grant
        entra.ForgetGrants();
        LogCreated(entity.RowKey, entity.PrincipalType, entity.PrincipalId, call.Caller.KeyId);
        return ApiResponse.Created(entity.ToApi(), $"/{Routes.Prefix}/grants/{entity.RowKey}");
    }

    public async Task<ApiResponse> List(Call call)
    {
        var paging = await call.PagingAsync("grants");
        var (items, token) = await grants.ListAsync(paging.Limit, paging.StorageToken, call.Aborted);
        return ApiResponse.Ok(new Page<Grant>([.. items.Select(g => g.ToApi())], await call.NextTokenAsync(token, "grants")));
    }

    public async Task<ApiResponse> Get(Call call)
    {
        var entity = await FindAsync(call.Route("grantId"), call.Aborted);
        return ApiResponse.Ok(entity.ToApi(), entity.ETag.ToString());
    }

    /// <summary>Revokes a grant: the row stays with revokedAt; the principal's scope no longer includes it.</summary>
    public async Task<ApiResponse> Revoke(Call call)
    {
        var grantId = call.Route("grantId");
        var entity = await FindAsync(grantId, call.Aborted);
        call.RequireMatch(entity.ETag, $"Grant '{grantId}'");
        if (entity.RevokedAt is null)
        {
            entity.RevokedAt = time.GetUtcNow();
            await grants.UpdateAsync(entity, call.Aborted);
            LogRevoked(grantId, call.Caller.KeyId);
        }
        entra.ForgetGrants();
        return ApiResponse.NoContent();
    }

    private async Task<GrantEntity> FindAsync(string grantId, CancellationToken ct) =>
        (Ids.IsValid(grantId) ? await grants.FindAsync(grantId, ct) : null) ?? throw Problems.NotFound($"Grant '{grantId}' does not exist.");

    [LoggerMessage(LogLevel.Information, "Grant {GrantId} created for {PrincipalType} {PrincipalId} by {CallerKeyId}")]
    private partial void LogCreated(string grantId, string principalType, string principalId, string callerKeyId);

    [LoggerMessage(LogLevel.Information, "Grant {GrantId} revoked by {CallerKeyId}")]
    private partial void LogRevoked(string grantId, string callerKeyId);
}
