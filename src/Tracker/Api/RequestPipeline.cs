using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Api;

/// <summary>One request as a handler sees it: the caller, the buffered body, and the conditional headers.</summary>
public sealed class Call(HttpRequest request, Caller caller, byte[]? body, RequestIdentity identity, SigningKeys keys, RouteSpec route,
    IReadOnlyDictionary<string, string> routeValues)
{
    private byte[]? _body = body;

    /// <summary>The id and moment of this write; the same for every retry of one Idempotency-Key.</summary>
    public RequestIdentity Identity { get; } = identity;

    public HttpRequest Request { get; } = request;

    public Caller Caller { get; } = caller;

    public CancellationToken Aborted => Request.HttpContext.RequestAborted;

    /// <summary>A value of the route's template, such as <c>portfolioId</c>.</summary>
    public string Route(string name) =>
        routeValues.GetValueOrDefault(name) ?? throw new InvalidOperationException($"The route has no value {name}.");

    /// <summary>
    /// The one way a write honours <c>If-Match</c>: absent or <c>*</c> is unconditional; otherwise one of its entity tags
    /// must be <paramref name="current"/>'s, or nothing is written (412). A header that isn't a list of entity tags
    /// (<c>"..."</c> or <c>W/"..."</c>, printable ASCII) is a 400. Returns the ETag to write with, so a change made
    /// between this read and the write is a 412 too.
    /// </summary>
    public ETag RequireMatch(ETag current, string resource)
    {
        var tags = Conditions.IfMatch(Request);
        if (tags is not null && !tags.Contains(ETag.All) && !tags.Contains(current))
        {
            throw Problems.PreconditionFailed($"{resource} changed since it was read (stale ETag); nothing was written.");
        }
        return current;
    }

    /// <summary>The route's body as a JSON merge patch of the fields in <paramref name="patchable"/>.</summary>
    public async Task<MergePatch> ReadMergePatchAsync(params string[] patchable) => MergePatch.Parse(await ReadBodyAsync(typeof(MergePatch)), patchable);

    /// <summary>The limit and storage token of a list request; the token must be one this query returned.</summary>
    public async Task<Paging> PagingAsync(string queryFingerprint) =>
        Paging.From(Request, queryFingerprint, await keys.GetAsync(SigningKeys.Tokens, Aborted));

    /// <summary>The signed continuation token of the next page, or null on the last page.</summary>
    public async Task<string?> NextTokenAsync(string? storageToken, string queryFingerprint) =>
        storageToken is null ? null : Paging.Encode(storageToken, queryFingerprint, await keys.GetAsync(SigningKeys.Tokens, Aborted));

    /// <summary>The key that signs $skiptoken values of the feed.</summary>
    public Task<byte[]> TokenKeyAsync() => keys.GetAsync(SigningKeys.Tokens, Aborted);

    /// <summary>The body, parsed and validated: a 400 names every bad field.</summary>
    public async Task<T> ReadJsonAsync<T>() where T : class, IRequestBody => RequestBody.ParseJson<T>(await ReadBodyAsync(typeof(T)), Identity.At);

    /// <summary>The fields of a form post the route declares as <see cref="RouteBody.Form{T}"/> (the last value of a repeated field).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadFormAsync<T>() =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(System.Text.Encoding.UTF8.GetString(await ReadBodyAsync(typeof(T))))
            .ToDictionary(f => f.Key, f => f.Value.LastOrDefault() ?? "", StringComparer.Ordinal);

    /// <summary>The raw body of a file upload.</summary>
    public Task<byte[]> ReadFileAsync() => ReadBodyAsync(typeof(string));

    /// <summary>The body the route declares (<see cref="RouteSpec.Body"/>): its media types (415) and its limit (413).</summary>
    private async Task<byte[]> ReadBodyAsync(Type type)
    {
        var declared = route.Body ?? throw new InvalidOperationException($"Route {route.Name} declares no body.");
        if (type != declared.Type && type != typeof(MergePatch))
        {
            throw new InvalidOperationException($"Route {route.Name} declares a {declared.Type.Name} body, not {type.Name}.");
        }
        RequestBody.RequireMediaType(Request, [.. declared.MediaTypes]);
        return _body ??= await RequestBody.ReadAsync(Request, declared.Limit, Aborted);
    }

    /// <summary>Validates the resource a merge patch produced, with the patch's own field errors.</summary>
    public void Validate(IRequestBody changed, MergePatch patch)
    {
        var v = patch.Errors;
        changed.Validate(v, Identity.At);
        v.ThrowIfInvalid();
    }
}

/// <summary>
/// The path every handler runs through, in both hosts: authentication and role checks, Idempotency-Key on POST, and
/// the mapping of every failure to ProblemDetails — storage outages to 503, anything unexpected to a logged 500.
/// </summary>
public sealed partial class RequestPipeline(ICallerGate gate, IPageGate pages, IdempotencyStore idempotency, Ids ids, TimeProvider time,
    SigningKeys keys, ILogger<RequestPipeline> logger)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The hidden field of a page form whose post must be recorded once: a random id of that rendering of the form.</summary>
    public const string PageFormIdField = "_form";

    /// <summary>
    /// Runs a route's handler with what the route declares applied: its role and portfolio scope (the
    /// <c>portfolioId</c> among <paramref name="routeValues"/>), Idempotency-Key on POST and its body limit.
    /// </summary>
    public async Task<ApiResponse> RunAsync(HttpRequest request, RouteSpec route, IReadOnlyDictionary<string, string> routeValues,
        Func<Call, Task<ApiResponse>> handler)
    {
        var instance = request.Path.Value ?? "";
        if (route.IsPage)
        {
            return await RunPageAsync(request, route, routeValues, handler);
        }
        try
        {
            var access = AccessOf(route, routeValues);
            var caller = await gate.AdmitAsync(request, access, request.HttpContext.RequestAborted);
            var key = request.Headers[IdempotencyHeader].ToString();
            if (route.Idempotent && HttpMethods.IsPost(request.Method) && key.Length > 0)
            {
                return await RunIdempotentAsync(request, caller, key, route, routeValues, handler);
            }
            return await handler(new Call(request, caller, null, Fresh(), keys, route, routeValues));
        }
        catch (Exception e) when (Describe(e) is { } problem)
        {
            return ApiResponse.Problem(problem, instance);
        }
    }

    /// <summary>
    /// A page of the dashboard: the page gate instead of API keys (a session cookie; anti-forgery on POST), no
    /// Idempotency-Key (a form carries its own id), and every failure as an HTML page.
    /// </summary>
    private async Task<ApiResponse> RunPageAsync(HttpRequest request, RouteSpec route, IReadOnlyDictionary<string, string> routeValues,
        Func<Call, Task<ApiResponse>> handler)
    {
        var ct = request.HttpContext.RequestAborted;
        Caller caller;
        try
        {
            caller = await pages.AdmitAsync(request, route, AccessOf(route, routeValues), ct);
            if (route.Role is not null && HttpMethods.IsPost(request.Method) && request.HasFormContentType
                && request.Form[PageFormIdField].ToString() is { Length: > 0 and <= 64 } formId)
            {
                return await RunPageOnceAsync(request, caller, formId, route, routeValues, handler);
            }
            return await handler(new Call(request, caller, null, Fresh(), keys, route, routeValues));
        }
        catch (Exception e) when (Describe(e) is { } problem)
        {
            return pages.ErrorPage(problem, request);
        }
    }

    /// <summary>
    /// A page form that carries the id of its rendering (<see cref="PageFormIdField"/>) is a write that must happen
    /// once: its first post claims the id as an Idempotency-Key would, and a second post of the same form (a double
    /// click, a resend after a lost answer) is answered with the first one's redirect, writing nothing more.
    /// </summary>
    private Task<ApiResponse> RunPageOnceAsync(HttpRequest request, Caller caller, string formId, RouteSpec route,
        IReadOnlyDictionary<string, string> routeValues, Func<Call, Task<ApiResponse>> handler)
    {
        request.Body.Position = 0; // the page gate read the form
        return RunOnceAsync(request, caller, "form:" + formId, route, routeValues, handler, problem => pages.ErrorPage(problem, request));
    }

    private Task<ApiResponse> RunIdempotentAsync(HttpRequest request, Caller caller, string key, RouteSpec route,
        IReadOnlyDictionary<string, string> routeValues, Func<Call, Task<ApiResponse>> handler)
    {
        if (key.Length > 255 || key.Any(c => c < 0x21 || c > 0x7e))
        {
            throw Problems.Validation(IdempotencyHeader, "Idempotency-Key must be 1-255 printable ASCII characters.");
        }
        return RunOnceAsync(request, caller, key, route, routeValues, handler, problem => ApiResponse.Problem(problem, request.Path.Value ?? ""));
    }

    /// <summary>
    /// Runs a write once per key: claims the key with the body's hash, replays the stored answer of an earlier
    /// attempt, and keeps this answer for the next (a failure releases or reopens the claim; see <see cref="IdempotencyStore"/>).
    /// </summary>
    private async Task<ApiResponse> RunOnceAsync(HttpRequest request, Caller caller, string key, RouteSpec route,
        IReadOnlyDictionary<string, string> routeValues, Func<Call, Task<ApiResponse>> handler, Func<ApiProblemException, ApiResponse> answerProblem)
    {
        var ct = request.HttpContext.RequestAborted;
        var body = await RequestBody.ReadAsync(request, route.BodyLimit, ct);
        var claim = await idempotency.ClaimAsync(caller.KeyId, key, request.Method, request.Path.Value ?? "", body, Fresh(), ct);
        if (claim.Replay is not null)
        {
            return claim.Replay;
        }
        ApiResponse response;
        try
        {
            response = await handler(new Call(request, caller, body, claim.Identity, keys, route, routeValues));
        }
        catch (Exception e) when (Describe(e) is { } problem)
        {
            response = answerProblem(problem);
        }
        try
        {
            await idempotency.CompleteAsync(claim.Entity, response, CancellationToken.None);
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e) || e is ChangedSinceReadException)
        {
            // Storage down, or a retry took the claim over meanwhile (it writes the same rows): the answer stands.
            LogNotRecorded(request.Method, request.Path.Value);
        }
        return response;
    }

    /// <summary>What a route asks of its caller: its role, for the portfolio in its path; nothing for a public route.</summary>
    private static Access AccessOf(RouteSpec route, IReadOnlyDictionary<string, string> routeValues) =>
        route.Role is { } role ? new Access(role, routeValues.GetValueOrDefault("portfolioId")) : Access.Anonymous;

    private RequestIdentity Fresh() => new(ids.New(), time.GetUtcNow());

    private ApiProblemException? Describe(Exception e)
    {
        switch (e)
        {
            case ApiProblemException problem:
                return problem;
            // What stores report in the domain's terms, as HTTP.
            case NotFoundException notFound:
                return Problems.NotFound(notFound.Message);
            case AlreadyExistsException exists:
                return Problems.Conflict(exists.Message);
            case ChangedSinceReadException changed:
                return Problems.PreconditionFailed(changed.Message);
            case BadHttpRequestException bad:
                return new ApiProblemException(bad.StatusCode, "Bad request", bad.Message);
            case OperationCanceledException when e.InnerException is not TimeoutException:
                return null;
            case RequestFailedException { Status: 400 or 413 } rejected:
                LogStorageRejected(rejected.ErrorCode);
                return Problems.StorageRejected(rejected.ErrorCode);
            case var _ when StorageFailures.IsUnavailable(e):
                LogStorageUnavailable(e.GetType().Name, e.Message);
                return Problems.StorageUnavailable();
            default:
                LogUnexpected(e);
                return Problems.Unexpected();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Storage unavailable: {ExceptionType} {Reason}")]
    private partial void LogStorageUnavailable(string exceptionType, string reason);

    [LoggerMessage(LogLevel.Warning, "Storage refused a request as invalid: {ErrorCode}")]
    private partial void LogStorageRejected(string? errorCode);

    [LoggerMessage(LogLevel.Error, "Unhandled failure in a request handler")]
    private partial void LogUnexpected(Exception exception);

    [LoggerMessage(LogLevel.Warning, "The response to {Method} {Path} could not be recorded for idempotent replay")]
    private partial void LogNotRecorded(string method, string? path);
}
