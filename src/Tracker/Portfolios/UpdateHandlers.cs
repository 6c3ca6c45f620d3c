using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Portfolios;

namespace Tracker.Portfolios;

public sealed class UpdateHandlers(ProgressRecorder recorder, PortfolioStore portfolios, ProjectStore projects, UpdateStore updates)
{
    public async Task<ApiResponse> Post(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var projectId = call.Route("projectId");
        var body = await call.ReadJsonAsync<PostUpdateRequest>();
        var update = await recorder.RecordAsync(portfolioId, projectId, body, call.Caller.Name, call.Identity, call.Aborted);
        return ApiResponse.Of(201, update.ToApi());
    }

    /// <summary>History newest first. <c>from</c> is inclusive, <c>to</c> exclusive; a date means that day in the portfolio's time zone, and a date <c>to</c> includes its day.</summary>
    public async Task<ApiResponse> List(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var projectId = call.Route("projectId");
        var portfolio = await portfolios.GetAsync(portfolioId, call.Aborted);
        var (from, to) = Query.Range(call.Request, portfolio.Zone);
        var fingerprint = Paging.Fingerprint("updates", portfolioId, projectId, from, to);
        var paging = await call.PagingAsync(fingerprint);
        await projects.GetAsync(portfolioId, projectId, call.Aborted);
        var (items, token) = await updates.ListAsync(portfolioId, projectId, from, to, paging.Limit, paging.StorageToken, call.Aborted);
        return ApiResponse.Ok(new Page<ProgressUpdate>([.. items.Select(u => u.ToApi())], await call.NextTokenAsync(token, fingerprint)));
    }
}
