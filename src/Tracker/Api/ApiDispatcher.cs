using Microsoft.AspNetCore.Http;

namespace Tracker.Api;

/// <summary>
/// The one entry point of both hosts: a route's name, the request and the route's values in template order. The
/// route's declaration (<see cref="RouteSpec"/>) says which handler answers; the pipeline applies the rest of it (role,
/// scope, body, idempotency), and the handler is left with the route's own work.
/// </summary>
public sealed class ApiDispatcher(RequestPipeline pipeline, RouteCatalog routes, IServiceProvider services)
{
    public Task<ApiResponse> RunAsync(string route, HttpRequest request, params string[] values)
    {
        var spec = routes[route];
        return RunAsync(spec, request, spec.HandlerFor(request, services), values);
    }

    /// <summary>Runs a route with a handler of the caller's choosing (tests that wrap a handler).</summary>
    public Task<ApiResponse> RunAsync(string route, HttpRequest request, Func<Call, Task<ApiResponse>> handler, params string[] values) =>
        RunAsync(routes[route], request, handler, values);

    private Task<ApiResponse> RunAsync(RouteSpec spec, HttpRequest request, Func<Call, Task<ApiResponse>> handler, string[] values)
    {
        var routeValues = new Dictionary<string, string>(spec.Parameters.Count, StringComparer.Ordinal);
        for (var i = 0; i < values.Length && i < spec.Parameters.Count; i++)
        {
            routeValues[spec.Parameters[i]] = values[i];
        }
        return pipeline.RunAsync(request, spec, routeValues, handler);
    }
}
