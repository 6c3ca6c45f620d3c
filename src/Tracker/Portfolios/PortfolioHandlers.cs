using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Portfolios;

namespace Tracker.Portfolios;

public sealed class PortfolioHandlers(PortfolioStore portfolios, ProjectStore projects, TimeProvider time)
{
    public async Task<ApiResponse> Create(Call call)
    {
        var body = await call.ReadJsonAsync<CreatePortfolioRequest>();
        if (!call.Caller.IsUnscoped)
        {
            throw Problems.Forbidden("A key limited to some portfolios cannot create portfolios.");
        }
        var now = call.Identity.At;
        var entity = await portfolios.AddAsync(new PortfolioEntity
        {
            RowKey = body.Id ?? call.Identity.Id,
            RequestId = call.Identity.Id,
            Name = body.Name!,
            Owner = body.Owner,
            TimeZone = body.TimeZone ?? "UTC",
            Currency = body.Currency ?? "EUR",
            RequestSettings = body.UpdateRequests,
            CreatedAt = now,
            UpdatedAt = now,
        }, call.Aborted);
        return ApiResponse.Created(entity.ToApi(), Routes.PortfolioPath(entity.RowKey), entity.ETag.ToString());
    }

    public async Task<ApiResponse> List(Call call)
    {
        var paging = await call.PagingAsync("portfolios");
        var (items, token) = await portfolios.ListAsync(paging.Limit, paging.StorageToken, call.Caller.Portfolios, call.Aborted);
        return ApiResponse.Ok(new Page<Portfolio>([.. items.Select(p => p.ToApi())], await call.NextTokenAsync(token, "portfolios")));
    }

    public async Task<ApiResponse> Get(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var entity = await portfolios.GetAsync(portfolioId, call.Aborted);
        return ApiResponse.Ok(entity.ToApi(), entity.ETag.ToString());
    }

    public async Task<ApiResponse> Patch(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var patch = await call.ReadMergePatchAsync("name", "owner", "timeZone", "currency", "updateRequests");
        var entity = await portfolios.GetAsync(portfolioId, call.Aborted);
        var changed = new CreatePortfolioRequest
        {
            Name = entity.Name,
            Owner = entity.Owner,
            TimeZone = entity.TimeZone,
            Currency = entity.Currency,
            UpdateRequests = entity.RequestSettings,
        };
        patch.Set<string>("name", v => changed = changed with { Name = v })
            .Set<string>("owner", v => changed = changed with { Owner = v })
            .Set<string>("timeZone", v => changed = changed with { TimeZone = v ?? "UTC" })
            .Set<string>("currency", v => changed = changed with { Currency = v ?? "EUR" })
            .Merge("updateRequests", changed.UpdateRequests, v => changed = changed with { UpdateRequests = v });
        call.Validate(changed, patch);
        entity.Name = changed.Name!;
        entity.Owner = changed.Owner;
        entity.TimeZone = changed.TimeZone!;
        entity.Currency = changed.Currency!;
        entity.RequestSettings = changed.UpdateRequests;
        entity.UpdatedAt = time.GetUtcNow();
        var ifMatch = call.RequireMatch(entity.ETag, $"Portfolio '{portfolioId}'");
        entity = await portfolios.ReplaceAsync(entity, ifMatch, call.Aborted);
        return ApiResponse.Ok(entity.ToApi(), entity.ETag.ToString());
    }

    public async Task<ApiResponse> Delete(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var entity = await portfolios.GetAsync(portfolioId, call.Aborted);
        var ifMatch = call.RequireMatch(entity.ETag, $"Portfolio '{portfolioId}'");
        if (await projects.AnyAsync(portfolioId, call.Aborted))
        {
            throw Problems.Conflict($"Portfolio '{portfolioId}' still has projects; delete them first.");
        }
        await portfolios.DeleteAsync(portfolioId, ifMatch, call.Aborted);
        return ApiResponse.NoContent();
    }
}
