using Microsoft.AspNetCore.Http;

namespace Tracker.Api;

/// <summary>
/// The one entry point of both hosts: a route's name, the request, the route's handler and its values in template
/// order. It applies what the route's <see cref="RouteSpec"/> declares — the role, the portfolio scope, the body limit
/// and Idempotency-Key on POST — through <see cref="RequestPipeline"/>, then runs the handler, which is left with the
/// route's own work.
/// </summary>
public sealed class ApiDispatcher(RequestPipeline pipeline)
{
    private static readonly Dictionary<string, RouteSpec> ByName =
        RouteTable.All.Append(RouteTable.Fallback).ToDictionary(r => r.Name, StringComparer.Ordinal);

    public Task<ApiResponse> RunAsync(string route, HttpRequest request, Func<Call, Task<ApiResponse>> handler, params string[] values)
    {
        var spec = ByName[route];
        var routeValues = new Dictionary<string, string>(spec.Parameters.Count, StringComparer.Ordinal);
        for (var i = 0; i < values.Length && i < spec.Parameters.Count; i++)
        {
            routeValues[spec.Parameters[i]] = values[i];
        }
        var access = spec.Role is { } role ? new Access(role, routeValues.GetValueOrDefault("portfolioId")) : Access.Anonymous;
        return pipeline.RunAsync(request, access, handler, spec.BodyLimit, routeValues, spec.Idempotent);
    }
}
