
namespace Tracker.Api;

/// <summary>
/// An error the client can act on. Thrown anywhere below a handler and turned into RFC 9457 ProblemDetails by
/// <see cref="RequestPipeline"/>, the one place that writes error responses.
/// </summary>
public sealed class ApiProblemException(
    int status, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null, TimeSpan? retryAfter = null)
    : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public IReadOnlyDictionary<string, string[]>? Errors { get; } = errors;
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Further members of the ProblemDetails body (RFC 9457 extensions), e.g. an import's report.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    /// <summary>The methods a 405's path takes (the Allow header).</summary>
    public IReadOnlyList<string>? Allow { get; init; }

    /// <summary>The challenges of a 401 (one WWW-Authenticate header each, RFC 9110 §11.6.1): how the route can be called.</summary>
    public IReadOnlyList<string>? Challenges { get; init; }
}

/// <summary>Factory for every error class of the API, so titles and types are the same everywhere.</summary>
public static class Problems
{
    public static ApiProblemException BadRequest(string detail) => new(400, "Bad request", detail);

    public static ApiProblemException MalformedJson(string detail) => new(400, "Malformed JSON", detail);

    public static ApiProblemException Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(400, "Validation failed", "One or more fields are invalid: " + string.Join(", ", errors.Keys) + ".", errors);

    public static ApiProblemException Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ApiProblemException Unauthorized(string detail, IReadOnlyList<string> challenges) =>
        new(401, "Unauthorized", detail) { Challenges = challenges };

    public static ApiProblemException Forbidden(string detail) => new(403, "Forbidden", detail);

    public static ApiProblemException NotFound(string detail) => new(404, "Not found", detail);

    /// <summary>A failure nobody anticipated: logged where it is caught, answered without internals, in both hosts.</summary>
    public static ApiProblemException Unexpected() => new(500, "Internal error", "The server failed unexpectedly; the failure was logged.");

    public static ApiProblemException Conflict(string detail) => new(409, "Conflict", detail);

    public static ApiProblemException PreconditionFailed(string detail) => new(412, "Precondition failed", detail);

    public static ApiProblemException TooLarge(long limit) =>
        new(413, "Request body too large", $"The request body exceeds the limit of {limit} bytes.");

    public static ApiProblemException UnsupportedMediaType(string expected) =>
        new(415, "Unsupported media type", $"The request body must be sent as {expected}.");

    public static ApiProblemException IdempotencyKeyReused() =>
        new(422, "Idempotency key reused", "This Idempotency-Key was already used with a different request body.");

    public static ApiProblemException MethodNotAllowed(string method, string path, IReadOnlyList<string> allowed) =>
        new(405, "Method not allowed", $"{path} does not take {method}; it takes {string.Join(", ", allowed)}.") { Allow = allowed };

    public static ApiProblemException NoRoute(string method, string path) =>
        new(404, "Not found", $"No route of this API matches {method} {path}. Every route is described at /api/openapi.json.");

    /// <summary>Storage refused a request as invalid: a value got past validation that storage can't hold.</summary>
    public static ApiProblemException StorageRejected(string? code) =>
        new(400, "Bad request", $"Storage refused the values of this request ({code ?? "invalid input"}); nothing was written.");

    public static ApiProblemException StorageUnavailable() =>
        new(503, "Storage unavailable", "Table storage cannot be reached; retry shortly.", retryAfter: TimeSpan.FromSeconds(5));

    /// <summary>RFC 9110 section for each status, used as the ProblemDetails <c>type</c>.</summary>
    public static string TypeFor(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        401 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        403 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4",
        404 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        409 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10",
        412 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.13",
        405 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        415 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
        422 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21",
        429 => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        503 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
        _ => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1",
    };
}
