using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Tracker.Api;

/// <summary>An answer a route documents: a status, the type of its body (if any) and its content type (JSON by default).</summary>
public sealed record RouteResponse(int Status, Type? Type = null, string? ContentType = null, bool Problem = false);

/// <summary>A query parameter a route reads (type: string, integer, boolean or date; or the names of an enum).</summary>
public sealed record RouteQuery(string Name, string Description, string Type = "string", Type? Enum = null);

/// <summary>
/// How the OpenAPI document describes a route, beside what <see cref="RouteSpec"/> already says (verb, template, role,
/// body): its summary, its answers in order, its query parameters, and the headers it honours or sets. Every route
/// also documents the answers every route can give (400, 401, 403, 404, 429, 503) and, for POST, Idempotency-Key.
/// </summary>
public sealed record RouteDoc(string Summary)
{
    public IReadOnlyList<RouteResponse> Responses { get; init; } = [];

    public IReadOnlyList<RouteQuery> Queries { get; init; } = [];

    /// <summary>Honours If-Match.</summary>
    public bool IfMatch { get; init; }

    /// <summary>Its success carries the resource's ETag.</summary>
    public bool ETag { get; init; }

    /// <summary>Its success says where metrics came from (Metrics-Source).</summary>
    public bool MetricsSource { get; init; }

    /// <summary>An example request body, from the README's calls.</summary>
    public string? Example { get; init; }

    public RouteDoc Produces<T>(int status = 200, string? contentType = null) => Produces(status, typeof(T), contentType);

    public RouteDoc Produces(int status, Type? type = null, string? contentType = null) =>
        this with { Responses = [.. Responses, new RouteResponse(status, type, contentType)] };

    public RouteDoc ProducesProblem(int status) => this with { Responses = [.. Responses, new RouteResponse(status, Problem: true)] };

    /// <summary>The answers of a route that writes: 409, 412, 413, 415 and 422.</summary>
    public RouteDoc Writes() => ProducesProblem(409).ProducesProblem(412).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);

    public RouteDoc Query(string name, string description, string type = "string") =>
        this with { Queries = [.. Queries, new RouteQuery(name, description, type)] };

    public RouteDoc Query<TEnum>(string name, string description) where TEnum : struct, Enum =>
        this with { Queries = [.. Queries, new RouteQuery(name, description, Enum: typeof(TEnum))] };

    /// <summary>limit and continuationToken (<see cref="Paging"/>).</summary>
    public RouteDoc Paged() => Query("limit", "Items per page, 1 to 1000 (default 100).", "integer")
        .Query("continuationToken", "The continuationToken of the previous page, as it was returned (signed; only for the same query).");

    /// <summary>The OData query options of the feed (<c>$count</c> takes only the filtering ones).</summary>
    public RouteDoc OData(bool count = false)
    {
        var doc = Query("$filter", "OData filter: eq, ne, gt, ge, lt, le, and, or, not over the set's properties.")
            .Query("$top", "At most this many rows.", "integer").Query("$skip", "Skip this many matching rows.", "integer");
        return count ? doc : doc.Query("$select", "Properties to return, comma-separated.").Query("$orderby", "Sort by properties (in memory, at most 100,000 rows).")
            .Query("$count", "true: include @odata.count.", "boolean").Query("$skiptoken", "Where the next page resumes (from @odata.nextLink).");
    }

    /// <summary>The signed token of a link in a mail (the no-key pages).</summary>
    public RouteDoc Token(string description = "The signed token from the link.") => Query("token", description);

    public RouteDoc WithIfMatch() => this with { IfMatch = true };

    public RouteDoc WithETag() => this with { ETag = true };

    public RouteDoc WithMetricsSource() => this with { MetricsSource = true };

    public RouteDoc WithExample(string json) => this with { Example = json };
}

/// <summary>What a request's Accept header asks for.</summary>
public static class AcceptHeader
{
    public static bool Names(HttpRequest request, string mediaType) =>
        MediaTypeHeaderValue.TryParseList([.. request.Headers.Accept.OfType<string>()], out var accepted)
        && accepted.Any(a => a.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase));
}
