using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;


namespace Tracker.Api;

/// <summary>
/// The route templates that something else needs too — links in mails and answers, the feed, the catch-all — without
/// the <c>api/</c> prefix (<see cref="RouteSpec.HostTemplate"/> adds it: host.json's routePrefix is empty so that the
/// dashboard's pages can live at the root, docs/decisions/0022-dashboard-pages-at-the-root.md). Every route itself is declared in the composition root's <c>RouteTable</c>.
/// </summary>
public static class Routes
{
    public const string Prefix = "api";
    public const string Health = "health";
    public const string Portfolios = "portfolios";
    public const string Portfolio = "portfolios/{portfolioId}";
    public const string Projects = "portfolios/{portfolioId}/projects";
    public const string Project = "portfolios/{portfolioId}/projects/{projectId}";
    public const string Updates = "portfolios/{portfolioId}/projects/{projectId}/updates";
    public const string Keys = "keys";
    public const string Key = "keys/{keyId}";
    public const string OpenApi = "openapi.json";
    public const string Jobs = "jobs";
    public const string RunJob = "jobs/{name}:run";
    public const string Subscriptions = "portfolios/{portfolioId}/subscriptions";
    public const string Subscription = "portfolios/{portfolioId}/subscriptions/{subscriptionId}";
    public const string Unsubscribe = "digests/unsubscribe";
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
/// A route's handler, taken from the services when a request comes: <c>Handle&lt;ProjectHandlers&gt;(h =&gt; h.Get)</c>.
/// </summary>
public delegate Func<Call, Task<ApiResponse>> RouteHandler(IServiceProvider services);

/// <summary>
/// One operation of the API and everything about it, declared once (the composition root's <c>RouteTable</c>): the
/// name of its function in the Functions host, its verb and template, the role a caller needs (null: no key), the body
/// it reads, its handler, the handlers of other representations it serves by <c>Accept</c> (CSV), and its OpenAPI
/// description. A route whose template names <c>{portfolioId}</c> is scoped to that portfolio: a key limited to other
/// portfolios gets 403. POST routes honour <c>Idempotency-Key</c>. <see cref="RequestPipeline"/> applies all of it
/// before the handler runs; the server maps the routes from it and the Functions classes are generated from it.
/// </summary>
public sealed record RouteSpec(string Name, string Method, string Template, Role? Role, RouteBody? Body = null)
{
    public RouteHandler? Handler { get; init; }

    /// <summary>Other representations by media type: when the request's Accept names one, its handler answers instead.</summary>
    public IReadOnlyList<(string MediaType, RouteHandler Handler)> Alternates { get; init; } = [];

    /// <summary>How the OpenAPI document describes the route; null for the document's own route, which it does not list.</summary>
    public RouteDoc? Doc { get; init; }

    /// <summary>
    /// A page of the dashboard for people (HTML, session cookie) rather than an API operation: mounted at the site's
    /// root instead of under <c>/api</c>, and run through the page gate (<c>PageGate</c>) instead of API keys.
    /// </summary>
    public bool IsPage { get; init; }

    /// <summary>The route as the hosts map it (host.json's routePrefix is empty): <c>api/</c> + the template, or a page's own path.</summary>
    public string HostTemplate => IsPage ? Template : Prefix + "/" + Template;

    private const string Prefix = Routes.Prefix;

    /// <summary>The most bytes the route reads: its body's limit, else 1 MiB (an idempotent POST still reads its body).</summary>
    public long BodyLimit => Body?.Limit ?? RequestBody.JsonLimit;

    /// <summary>The names of the template's parameters, in order (<c>{portfolioId}</c> → portfolioId).</summary>
    public IReadOnlyList<string> Parameters { get; } =
        [.. System.Text.RegularExpressions.Regex.Matches(Template, @"\{\*?([A-Za-z]+)").Select(m => m.Groups[1].Value)];

    /// <summary>Whether a POST to it honours Idempotency-Key: POST routes, and the catch-all (which answers 404/405 either way).</summary>
    public bool Idempotent => Method is "POST" or "*";

    /// <summary>The route's handler on <typeparamref name="THandlers"/> (a service).</summary>
    public RouteSpec Handle<THandlers>(Func<THandlers, Func<Call, Task<ApiResponse>>> handler) where THandlers : notnull =>
        this with { Handler = services => handler(services.GetRequiredService<THandlers>()) };

    /// <summary>Serves <paramref name="mediaType"/> too, from another handler, when the request's Accept names it.</summary>
    public RouteSpec Serves<THandlers>(string mediaType, Func<THandlers, Func<Call, Task<ApiResponse>>> handler) where THandlers : notnull =>
        this with { Alternates = [.. Alternates, (mediaType, services => handler(services.GetRequiredService<THandlers>()))] };

    /// <summary>The route's OpenAPI description: its summary, and what <paramref name="more"/> adds (answers, parameters, headers).</summary>
    public RouteSpec Describe(string summary, Func<RouteDoc, RouteDoc>? more = null) =>
        this with { Doc = more is null ? new RouteDoc(summary) : more(new RouteDoc(summary)) };

    /// <summary>The handler that answers this request: an alternate the Accept header names, else the route's own.</summary>
    public Func<Call, Task<ApiResponse>> HandlerFor(HttpRequest request, IServiceProvider services)
    {
        foreach (var (mediaType, handler) in Alternates)
        {
            if (AcceptHeader.Names(request, mediaType))
            {
                return handler(services);
            }
        }
        return (Handler ?? throw new InvalidOperationException($"Route {Name} declares no handler."))(services);
    }
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

    /// <summary>An HTML form that uploads a file (multipart/form-data), or posts its fields either way.</summary>
    public static RouteBody Upload<T>(long limit) => new(typeof(T), ["multipart/form-data", "application/x-www-form-urlencoded"], limit);
}

/// <summary>The routes of the app (the composition root's <c>RouteTable</c>, API and pages), by name; the API's by path.</summary>
public sealed class RouteCatalog
{
    private readonly Dictionary<string, RouteSpec> _byName;
    private readonly IReadOnlyList<(Regex Path, string Method)> _templates;

    public RouteCatalog(IReadOnlyList<RouteSpec> routes, RouteSpec fallback)
    {
        _byName = routes.Append(fallback).ToDictionary(r => r.Name, StringComparer.Ordinal);
        _templates = [.. routes.Where(r => !r.IsPage).Select(r => (Compile(r.Template), r.Method))];
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
