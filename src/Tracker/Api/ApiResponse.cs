using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tracker.Common;

namespace Tracker.Api;

/// <summary>
/// A response already serialized to bytes, so the idempotency store can keep it and replay it byte for byte.
/// It is both an <see cref="IResult"/> (minimal APIs) and an <see cref="IActionResult"/> (what the Functions
/// ASP.NET Core integration documents for HTTP triggers), and writes the same bytes in both hosts.
/// </summary>
public sealed record ApiResponse(int Status, byte[] Body, string ContentType, string? ETag = null, string? Location = null)
    : IResult, IActionResult
{
    public const string Json = "application/json; charset=utf-8";
    public const string ProblemJson = "application/problem+json; charset=utf-8";

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Writes a streamed body (the OData feed) after the status and headers; <see cref="Body"/> is then empty.</summary>
    public Func<HttpContext, Task>? Stream { get; init; }

    /// <summary>Where metrics came from (<c>snapshot</c> or <c>computed</c>), sent as the Metrics-Source header.</summary>
    public string? Source { get; init; }

    /// <summary>Further response headers (e.g. OData-Version on a plain-text count).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; init; }

    /// <summary>True when this is a stored response replayed for a repeated Idempotency-Key.</summary>
    public bool Replayed { get; init; }

    public static ApiResponse Ok<T>(T value, string? etag = null) => Of(200, value, etag);

    public static ApiResponse Created<T>(T value, string location, string? etag = null) => Of(201, value, etag) with { Location = location };

    public static ApiResponse NoContent() => new(204, [], Json);

    public static ApiResponse Of<T>(int status, T value, string? etag = null) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(value, TrackerJson.Options), Json, etag);

    public static ApiResponse Problem(ApiProblemException problem, string instance)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = Problems.TypeFor(problem.Status),
            ["title"] = problem.Title,
            ["status"] = problem.Status,
            ["detail"] = problem.Message,
            ["instance"] = instance,
        };
        if (problem.Errors is not null)
        {
            body["errors"] = problem.Errors;
        }
        foreach (var (name, value) in problem.Extensions ?? new Dictionary<string, object?>())
        {
            body[name] = value;
        }
        return new ApiResponse(problem.Status, JsonSerializer.SerializeToUtf8Bytes(body, TrackerJson.Options), ProblemJson)
        {
            RetryAfter = problem.RetryAfter,
            Headers = ProblemHeaders(problem),
        };
    }

    private static List<KeyValuePair<string, string>>? ProblemHeaders(ApiProblemException problem)
    {
        var headers = (problem.Challenges ?? []).Select(c => new KeyValuePair<string, string>("WWW-Authenticate", c)).ToList();
        if (problem.Allow is { } allow)
        {
            headers.Add(new("Allow", string.Join(", ", allow)));
        }
        return headers.Count > 0 ? headers : null;
    }

    public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        if (ETag is not null)
        {
            response.Headers.ETag = ETag;
        }
        if (Location is not null)
        {
            response.Headers.Location = Location;
        }
        if (RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (Source is not null)
        {
            response.Headers["Metrics-Source"] = Source;
        }
        if (Replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }
        foreach (var (name, value) in Headers ?? [])
        {
            response.Headers.Append(name, value);
        }
        if (Status == 204)
        {
            return;
        }
        var encoding = Stream is not null || Body.Length >= ResponseCompression.MinBytes ? ResponseCompression.Choose(httpContext.Request) : null;
        if (encoding is null)
        {
            await WriteBodyAsync(httpContext);
            return;
        }
        // Compressed as it is written (the feed streams through the encoder page by page), in both hosts.
        response.Headers.ContentEncoding = encoding;
        response.Headers.Vary = "Accept-Encoding";
        var wire = response.Body;
        await using (var encoder = ResponseCompression.Wrap(wire, encoding))
        {
            response.Body = encoder;
            try
            {
                await WriteBodyAsync(httpContext);
            }
            finally
            {
                response.Body = wire;
            }
        }
    }

    private async Task WriteBodyAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        if (Stream is not null)
        {
            await Stream(httpContext);
            return;
        }
        response.ContentType = ContentType;
        if (response.Headers.ContentEncoding.Count == 0)
        {
            response.ContentLength = Body.Length;
        }
        await response.Body.WriteAsync(Body, httpContext.RequestAborted);
    }
}
