using Microsoft.AspNetCore.Http;

namespace Tracker.Api;

/// <summary>
/// The one entry point of both hosts: a route's name, the request, the route's handler and its values in template
/// order. The pipeline applies what the route declares (<see cref="RouteSpec"/>); the handler is left with the
/// route's own work.
/// </summary>
public sealed class ApiDispatcher(RequestPipeline pipeline, RouteCatalog routes)
{
    public Task<ApiResponse> RunAsync(string route, HttpRequest request, Func<Call, Task<ApiResponse>> handler, params string[] values)
    {
        var spec = routes[route];
        var routeValues = new Dictionary<string, string>(spec.Parameters.Count, StringComparer.Ordinal);
        for (var i = 0; i < values.Length && i < spec.Parameters.Count; i++)
        {
            routeValues[spec.Parameters[i]] = values[i];
        }
        return pipeline.RunAsync(request, spec, routeValues, handler);
    }
}
