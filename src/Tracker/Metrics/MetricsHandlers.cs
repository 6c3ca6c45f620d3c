using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Portfolios;

namespace Tracker.Metrics;

/// <summary>
/// The metrics routes. A day with a stored snapshot is answered from it; any other day is computed on the fly from
/// the history (the same engine, so the same numbers). The <c>Metrics-Source</c> header says which.
/// </summary>
public sealed class MetricsHandlers(
    PortfolioStore portfolios, ProjectStore projects, Snapshots snapshots, HistoryLoader loader, MetricsEngine engine, TimeProvider time)
{
    public const string SourceHeader = "Metrics-Source";

    public async Task<ApiResponse> Portfolio(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var portfolio = await portfolios.GetAsync(portfolioId, call.Aborted);
        var asOf = AsOf(call.Request, portfolio);
        if (await snapshots.FindPortfolioAsync(portfolioId, asOf, call.Aborted) is { } stored)
        {
            return ApiResponse.Ok(stored) with { Source = "snapshot" };
        }
        var histories = await loader.LoadAsync(portfolioId, call.Aborted);
        return ApiResponse.Ok(engine.Compute(portfolioId, histories, asOf, portfolio.Zone).Portfolio) with { Source = "computed" };
    }

    /// <summary>Portfolio snapshots of the days in [from, to], oldest first; by default the last 90 days.</summary>
    public async Task<ApiResponse> History(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var portfolio = await portfolios.GetAsync(portfolioId, call.Aborted);
        var to = Date(call.Request, "to") ?? Today(portfolio);
        var from = Date(call.Request, "from") ?? (to.DayNumber - QueryDates.Earliest.DayNumber > 89 ? to.AddDays(-89) : QueryDates.Earliest);
        if (from > to)
        {
            throw Problems.Validation("from", "from must not be after to.");
        }
        var fingerprint = Paging.Fingerprint("history", portfolioId, from, to);
        var paging = await call.PagingAsync(fingerprint);
        var (items, token) = await snapshots.ListPortfolioAsync(portfolioId, from, to, paging.Limit, paging.StorageToken, call.Aborted);
        return ApiResponse.Ok(new Page<PortfolioMetrics>(items, await call.NextTokenAsync(token, fingerprint)));
    }

    public async Task<ApiResponse> Project(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var projectId = call.Route("projectId");
        var portfolio = await portfolios.GetAsync(portfolioId, call.Aborted);
        var asOf = AsOf(call.Request, portfolio);
        var project = await projects.GetAsync(portfolioId, projectId, call.Aborted);
        if (await snapshots.FindProjectAsync(portfolioId, projectId, asOf, call.Aborted) is { } stored)
        {
            return ApiResponse.Ok(stored) with { Source = "snapshot" };
        }
        var history = await loader.LoadProjectAsync(project, call.Aborted);
        return ApiResponse.Ok(engine.ComputeProject(history, asOf, portfolio.Zone)) with { Source = "computed" };
    }

    private DateOnly AsOf(HttpRequest request, PortfolioEntity portfolio)
    {
        var today = Today(portfolio);
        var asOf = Date(request, "asOf") ?? today;
        if (asOf > today)
        {
            throw Problems.Validation("asOf", $"asOf must not be after today ({today:yyyy-MM-dd} in {portfolio.TimeZone}).");
        }
        return asOf;
    }

    private DateOnly Today(PortfolioEntity portfolio) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), portfolio.Zone).DateTime);

    private static DateOnly? Date(HttpRequest request, string name) => QueryDates.Date(request, name);
}
