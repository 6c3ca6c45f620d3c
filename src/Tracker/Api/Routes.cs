using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Api;

/// <summary>
/// Every route template, once, without the <c>api/</c> prefix (the Functions host adds it from host.json's
/// routePrefix, the server maps them under an <c>/api</c> group). Both hosts use these constants.
/// </summary>
public static class Routes
{
    public const string Prefix = "api";
    public const string Health = "health";
    public const string Baselines = "baselines";
    public const string Portfolios = "portfolios";
    public const string Portfolio = "portfolios/{portfolioId}";
    public const string Projects = "portfolios/{portfolioId}/projects";
    public const string Project = "portfolios/{portfolioId}/projects/{projectId}";
    public const string Updates = "portfolios/{portfolioId}/projects/{projectId}/updates";
    public const string ProjectsImport = "portfolios/{portfolioId}/projects:import";
    public const string UpdatesImport = "portfolios/{portfolioId}/updates:import";
    public const string PortfolioUpdates = "portfolios/{portfolioId}/updates";
    public const string Keys = "keys";
    public const string Key = "keys/{keyId}";
    public const string OpenApi = "openapi.json";
    public const string PortfolioMetrics = "portfolios/{portfolioId}/metrics";
    public const string MetricsHistory = "portfolios/{portfolioId}/metrics/history";
    public const string ProjectMetrics = "portfolios/{portfolioId}/projects/{projectId}/metrics";
    public const string Jobs = "jobs";
    public const string RunJob = "jobs/{name}:run";
    public const string Subscriptions = "portfolios/{portfolioId}/subscriptions";
    public const string Subscription = "portfolios/{portfolioId}/subscriptions/{subscriptionId}";
    public const string Unsubscribe = "digests/unsubscribe";
    public const string DigestPreview = "portfolios/{portfolioId}/digests:preview";
    public const string Feed = "odata";
    public const string FeedServiceDocument = "odata/";
    public const string FeedMetadata = "odata/$metadata";
    /// <summary>
    /// An entity set. <c>alpha</c> (letters only) keeps it from matching <c>$metadata</c> or <c>$count</c>: the Functions
    /// host tries routes in function-name order without precedence, so no two feed routes may match one URL
    /// (docs/decisions/0010-unambiguous-function-routes.md).
    /// </summary>
    public const string FeedEntitySet = "odata/{entitySet:alpha}";
    public const string FeedCount = "odata/{entitySet:alpha}/$count";

    /// <summary>Every other path under /api: answered by <see cref="UnmatchedRoutes"/> (404 or 405 ProblemDetails).</summary>
    public const string Unmatched = "{*path}";

    public static string PortfolioPath(string portfolioId) => $"/{Prefix}/portfolios/{portfolioId}";

    public static string ProjectPath(string portfolioId, string projectId) => $"{PortfolioPath(portfolioId)}/projects/{projectId}";

    public static string KeyPath(string keyId) => $"/{Prefix}/keys/{keyId}";
}

/// <summary>One operation of the API: the name of its function in the Functions host, its verb and template.</summary>
public sealed record RouteSpec(string Name, string Method, string Template);

/// <summary>The route table both hosts implement; tests check each host against it.</summary>
public static class RouteTable
{
    public static readonly IReadOnlyList<RouteSpec> All =
    [
        new("Health", "GET", Routes.Health),
        new("OpenApi", "GET", Routes.OpenApi),
        new("ListBaselines", "GET", Routes.Baselines),
        new("CreatePortfolio", "POST", Routes.Portfolios),
        new("ListPortfolios", "GET", Routes.Portfolios),
        new("GetPortfolio", "GET", Routes.Portfolio),
        new("PatchPortfolio", "PATCH", Routes.Portfolio),
        new("DeletePortfolio", "DELETE", Routes.Portfolio),
        new("CreateProject", "POST", Routes.Projects),
        new("ListProjects", "GET", Routes.Projects),
        new("GetProject", "GET", Routes.Project),
        new("PatchProject", "PATCH", Routes.Project),
        new("DeleteProject", "DELETE", Routes.Project),
        new("PostUpdate", "POST", Routes.Updates),
        new("ListUpdates", "GET", Routes.Updates),
        new("ImportProjects", "POST", Routes.ProjectsImport),
        new("ImportUpdates", "POST", Routes.UpdatesImport),
        new("ExportPortfolioUpdates", "GET", Routes.PortfolioUpdates),
        new("CreateKey", "POST", Routes.Keys),
        new("ListKeys", "GET", Routes.Keys),
        new("GetKey", "GET", Routes.Key),
        new("RevokeKey", "DELETE", Routes.Key),
        new("GetPortfolioMetrics", "GET", Routes.PortfolioMetrics),
        new("GetMetricsHistory", "GET", Routes.MetricsHistory),
        new("GetProjectMetrics", "GET", Routes.ProjectMetrics),
        new("ListJobRuns", "GET", Routes.Jobs),
        new("RunJob", "POST", Routes.RunJob),
        new("CreateSubscription", "POST", Routes.Subscriptions),
        new("ListSubscriptions", "GET", Routes.Subscriptions),
        new("GetSubscription", "GET", Routes.Subscription),
        new("DeleteSubscription", "DELETE", Routes.Subscription),
        new("UnsubscribePage", "GET", Routes.Unsubscribe),
        new("Unsubscribe", "POST", Routes.Unsubscribe),
        new("PreviewDigest", "POST", Routes.DigestPreview),
        new("FeedServiceDocument", "GET", Routes.FeedServiceDocument),
        new("FeedMetadata", "GET", Routes.FeedMetadata),
        new("FeedEntitySet", "GET", Routes.FeedEntitySet),
        new("FeedCount", "GET", Routes.FeedCount),
    ];

    /// <summary>
    /// The catch-all of the Functions host. The host tries routes in function-name order, so this one's name sorts
    /// after every other function's; it takes every method.
    /// </summary>
    public static readonly RouteSpec Fallback = new("ZzUnmatchedRoute", "*", Routes.Unmatched);
}
