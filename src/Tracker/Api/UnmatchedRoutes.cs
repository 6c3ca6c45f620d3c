using Microsoft.AspNetCore.Http;

namespace Tracker.Api;

/// <summary>
/// What both hosts answer when no route matches: a ProblemDetails 405 with Allow when the path is a route taken with
/// another method, else a ProblemDetails 404 — never a bare status. (The server maps it as its fallback endpoint, the
/// Functions host as a catch-all function whose name sorts after every other.)
/// </summary>
public sealed class UnmatchedRoutes(RouteCatalog routes)
{
    public Task<ApiResponse> Answer(Call call)
    {
        var path = call.Request.Path.Value ?? "/";
        var allowed = routes.Allowed(path);
        throw allowed.Count > 0
            ? Problems.MethodNotAllowed(call.Request.Method, path, allowed)
            : Problems.NoRoute(call.Request.Method, path);
    }
}
