
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

/// <summary>
/// One operation of the API and everything it demands, declared once: the name of its function in the Functions host,
/// its verb and template, the role a key needs (null: no key), and the largest body it reads. A route whose template
/// names <c>{portfolioId}</c> is scoped to that portfolio: a key limited to other portfolios gets 403. POST routes
/// honour <c>Idempotency-Key</c>. <see cref="ApiDispatcher"/> applies all of it before the handler runs.
/// </summary>
public sealed record RouteSpec(string Name, string Method, string Template, Role? Role, long BodyLimit = RequestBody.JsonLimit)
{
    /// <summary>The names of the template's parameters, in order (<c>{portfolioId}</c> → portfolioId).</summary>
    public IReadOnlyList<string> Parameters { get; } =
        [.. System.Text.RegularExpressions.Regex.Matches(Template, @"\{\*?([A-Za-z]+)").Select(m => m.Groups[1].Value)];

    public bool Idempotent => Method == "POST";
}

/// <summary>The route table both hosts implement; tests check each host against it.</summary>
public static class RouteTable
{
    /// <summary>The largest CSV file an import reads (4 MiB).</summary>
    public const long CsvLimit = 4 * 1024 * 1024;

    private const Role Reader = Api.Role.Reader;
    private const Role Writer = Api.Role.Writer;
    private const Role Admin = Api.Role.Admin;

    public static readonly IReadOnlyList<RouteSpec> All =
    [
        new("Health", "GET", Routes.Health, null),
        new("OpenApi", "GET", Routes.OpenApi, null),
        new("ListBaselines", "GET", Routes.Baselines, Reader),
        new("CreatePortfolio", "POST", Routes.Portfolios, Writer),
        new("ListPortfolios", "GET", Routes.Portfolios, Reader),
        new("GetPortfolio", "GET", Routes.Portfolio, Reader),
        new("PatchPortfolio", "PATCH", Routes.Portfolio, Writer),
        new("DeletePortfolio", "DELETE", Routes.Portfolio, Admin),
        new("CreateProject", "POST", Routes.Projects, Writer),
        new("ListProjects", "GET", Routes.Projects, Reader),
        new("GetProject", "GET", Routes.Project, Reader),
        new("PatchProject", "PATCH", Routes.Project, Writer),
        new("DeleteProject", "DELETE", Routes.Project, Writer),
        new("PostUpdate", "POST", Routes.Updates, Writer),
        new("ListUpdates", "GET", Routes.Updates, Reader),
        new("ImportProjects", "POST", Routes.ProjectsImport, Writer, CsvLimit),
        new("ImportUpdates", "POST", Routes.UpdatesImport, Writer, CsvLimit),
        new("ExportPortfolioUpdates", "GET", Routes.PortfolioUpdates, Reader),
        new("CreateKey", "POST", Routes.Keys, Admin),
        new("ListKeys", "GET", Routes.Keys, Admin),
        new("GetKey", "GET", Routes.Key, Admin),
        new("RevokeKey", "DELETE", Routes.Key, Admin),
        new("GetPortfolioMetrics", "GET", Routes.PortfolioMetrics, Reader),
        new("GetMetricsHistory", "GET", Routes.MetricsHistory, Reader),
        new("GetProjectMetrics", "GET", Routes.ProjectMetrics, Reader),
        new("ListJobRuns", "GET", Routes.Jobs, Admin),
        new("RunJob", "POST", Routes.RunJob, Admin),
        new("CreateSubscription", "POST", Routes.Subscriptions, Writer),
        new("ListSubscriptions", "GET", Routes.Subscriptions, Writer),
        new("GetSubscription", "GET", Routes.Subscription, Writer),
        new("DeleteSubscription", "DELETE", Routes.Subscription, Writer),
        new("UnsubscribePage", "GET", Routes.Unsubscribe, null),
        new("Unsubscribe", "POST", Routes.Unsubscribe, null),
        new("PreviewDigest", "POST", Routes.DigestPreview, Reader),
        new("FeedServiceDocument", "GET", Routes.FeedServiceDocument, Reader),
        new("FeedMetadata", "GET", Routes.FeedMetadata, Reader),
        new("FeedEntitySet", "GET", Routes.FeedEntitySet, Reader),
        new("FeedCount", "GET", Routes.FeedCount, Reader),
    ];

    /// <summary>
    /// The catch-all of the Functions host. The host tries routes in function-name order, so this one's name sorts
    /// after every other function's; it takes every method.
    /// </summary>
    public static readonly RouteSpec Fallback = new("ZzUnmatchedRoute", "*", Routes.Unmatched, null);
}
