using System.Text.RegularExpressions;


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
    public const string UpdateRequestsPreview = "portfolios/{portfolioId}/update-requests:preview";
    public const string UpdateRequestsSend = "portfolios/{portfolioId}/update-requests:send";
    public const string UpdateForm = "update-form";
    public const string UpdateRequestsUnsubscribe = "update-requests/unsubscribe";
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
/// its verb and template, the role a key needs (null: no key), and the body it reads. A route whose template
/// names <c>{portfolioId}</c> is scoped to that portfolio: a key limited to other portfolios gets 403. POST routes
/// honour <c>Idempotency-Key</c>. <see cref="RequestPipeline"/> applies all of it before the handler runs.
/// </summary>
public sealed record RouteSpec(string Name, string Method, string Template, Role? Role, RouteBody? Body = null)
{
    /// <summary>The most bytes the route reads: its body's limit, else 1 MiB (an idempotent POST still reads its body).</summary>
    public long BodyLimit => Body?.Limit ?? RequestBody.JsonLimit;

    /// <summary>The names of the template's parameters, in order (<c>{portfolioId}</c> → portfolioId).</summary>
    public IReadOnlyList<string> Parameters { get; } =
        [.. System.Text.RegularExpressions.Regex.Matches(Template, @"\{\*?([A-Za-z]+)").Select(m => m.Groups[1].Value)];

    /// <summary>Whether a POST to it honours Idempotency-Key: POST routes, and the catch-all (which answers 404/405 either way).</summary>
    public bool Idempotent => Method is "POST" or "*";
}

/// <summary>
/// The body a route reads: the type it is parsed into, the media types it accepts (the first is the one documented)
/// and the most bytes. The handler reads it with <see cref="Call.ReadJsonAsync{T}"/>, <see cref="Call.ReadMergePatchAsync"/>
/// or <see cref="Call.ReadFileAsync"/>, which take all of this from here.
/// </summary>
public sealed record RouteBody(Type Type, IReadOnlyList<string> MediaTypes, long Limit = RequestBody.JsonLimit)
{
    public static RouteBody Json<T>() where T : IRequestBody => new(typeof(T), ["application/json"]);

    /// <summary>A JSON merge patch of <typeparamref name="T"/>.</summary>
    public static RouteBody Patch<T>() where T : IRequestBody => new(typeof(T), MergePatch.MediaTypes);

    public static RouteBody File(string mediaType, long limit) => new(typeof(string), [mediaType], limit);

    /// <summary>An HTML form post (application/x-www-form-urlencoded) of the fields of <typeparamref name="T"/>.</summary>
    public static RouteBody Form<T>(long limit) => new(typeof(T), ["application/x-www-form-urlencoded"], limit);
}

/// <summary>The routes of the app (the composition root's <c>RouteTable</c>), by name and by path.</summary>
public sealed class RouteCatalog
{
    private readonly Dictionary<string, RouteSpec> _byName;
    private readonly IReadOnlyList<(Regex Path, string Method)> _templates;

    public RouteCatalog(IReadOnlyList<RouteSpec> routes, RouteSpec fallback)
    {
        _byName = routes.Append(fallback).ToDictionary(r => r.Name, StringComparer.Ordinal);
        _templates = [.. routes.Select(r => (Compile(r.Template), r.Method))];
    }

    public RouteSpec this[string name] => _byName[name];

    /// <summary>The methods some route takes at this path (under /api), in the order of the route table.</summary>
    public IReadOnlyList<string> Allowed(string path) =>
        [.. _templates.Where(t => t.Path.IsMatch(path)).Select(t => t.Method).Distinct()];

    private static Regex Compile(string template)
    {
        var pattern = Regex.Replace(Regex.Escape(template.TrimEnd('/')), @"\\\{([A-Za-z]+)(:alpha)?\}",
            m => m.Groups[2].Success ? "[A-Za-z]+" : "[^/]+");
        return new Regex($"^/{Routes.Prefix}/{pattern}/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }
}
