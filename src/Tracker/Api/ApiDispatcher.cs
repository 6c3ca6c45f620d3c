namespace Tracker.Api;

/// <summary>The handlers of a feature, by route name: what each route of <see cref="RouteTable"/> runs.</summary>
public interface IRouteHandlers
{
    void Register(RouteHandlerMap map);
}

public sealed class RouteHandlerMap
{
    private readonly Dictionary<string, Func<Call, Task<ApiResponse>>> _handlers = new(StringComparer.Ordinal);

    public RouteHandlerMap Add(string route, Func<Call, Task<ApiResponse>> handler)
    {
        RouteTable.Find(route); // a name not in the table is a bug, found at start
        if (!_handlers.TryAdd(route, handler))
        {
            throw new InvalidOperationException($"Route {route} has two handlers.");
        }
        return this;
    }

    internal Func<Call, Task<ApiResponse>>? Find(string route) => _handlers.GetValueOrDefault(route);
}

/// <summary>
/// The one entry point of both hosts: a route's name, the request and the route's values in template order. It applies
/// what <see cref="RouteSpec"/> declares — the role, the portfolio scope, the body limit and Idempotency-Key on POST —
/// through <see cref="RequestPipeline"/>, then runs the route's handler, which is left with the route's own work.
/// </summary>
public sealed class ApiDispatcher
{
    private readonly RequestPipeline _pipeline;
    private readonly RouteHandlerMap _map = new();

    public ApiDispatcher(RequestPipeline pipeline, IEnumerable<IRouteHandlers> features)
    {
        _pipeline = pipeline;
        foreach (var feature in features)
        {
            feature.Register(_map);
        }
        var missing = RouteTable.All.Append(RouteTable.Fallback).Where(r => _map.Find(r.Name) is null).Select(r => r.Name).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException("Routes without a handler: " + string.Join(", ", missing));
        }
    }

    public Task<ApiResponse> RunAsync(string route, Microsoft.AspNetCore.Http.HttpRequest request, params string[] values)
    {
        var spec = RouteTable.Find(route);
        var routeValues = spec.Parameters.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        var access = spec.Role is { } role ? new Access(role, routeValues.GetValueOrDefault("portfolioId")) : Access.Anonymous;
        return _pipeline.RunAsync(request, access, _map.Find(route)!, spec.BodyLimit, routeValues, spec.Idempotent);
    }
}
