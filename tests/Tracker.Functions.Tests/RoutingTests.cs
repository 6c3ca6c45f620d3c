using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Api;
using Tracker.Testing;

namespace Tracker.Functions.Tests;

/// <summary>
/// How the Functions host routes HTTP, proven from the functions.metadata it indexes. The host registers one ASP.NET
/// Core <see cref="Route"/> per function (host.json's routePrefix + the function's route, its methods as an
/// <see cref="HttpMethodRouteConstraint"/>, inline constraints resolved) in function-name order and takes the first that
/// matches — no route precedence. So for every URL the API serves, exactly one function may match.
/// </summary>
public sealed class RoutingTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddLogging().AddRouting().BuildServiceProvider();

    [Fact]
    public async Task EveryServedUrlMatchesExactlyOneFunctionAndTheHostsOrderPicksIt()
    {
        var functions = RepoFiles.FunctionsMetadata().Where(f => f.IsHttp).OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var prefix = RepoFiles.RoutePrefix();
        var failures = new List<string>();
        foreach (var route in RouteTable.All.Concat(RouteTable.Pages))
        {
            foreach (var path in route.IsPage ? [RouteSamples.PagePath(route.Template)] : RouteSamples.All(route.Template))
            {
                var matches = new List<string>();
                foreach (var function in functions.Where(f => f.Name != RouteTable.Fallback.Name))
                {
                    if (await MatchesAsync(HostRoute(function, prefix), route.Method, path))
                    {
                        matches.Add(function.Name);
                    }
                }
                var first = await FirstMatchAsync(functions, prefix, route.Method, path);
                if (matches.Count != 1 || matches[0] != route.Name || first != route.Name)
                {
                    failures.Add($"{route.Method} {path}: intended {route.Name}; matching [{string.Join(", ", matches)}]; the host picks {first ?? "none"}");
                }
            }
        }
        Assert.True(failures.Count == 0, "Ambiguous or misrouted in the Functions host:\n" + string.Join("\n", failures));
    }

    /// <summary>The catch-all sorts after every function, so it only ever gets what no route matches.</summary>
    [Theory]
    [InlineData("GET", "/api/nope")]
    [InlineData("PUT", "/api/portfolios")]
    [InlineData("GET", "/api/odata/Projects1")]
    [InlineData("DELETE", "/api/portfolios/p/projects/q/updates")]
    [InlineData("GET", "/api/portfolios/p/projects/q/updates/extra")]
    [InlineData("GET", "/api/odata/Updates%2F..%2FPortfolios")]
    [InlineData("GET", "/api/odata/Updates%252FPortfolios")]
    [InlineData("GET", "/api/odata/Updates.json")]
    public async Task WhatNoRouteMatchesGoesToTheCatchAll(string method, string path)
    {
        var functions = RepoFiles.FunctionsMetadata().Where(f => f.IsHttp).OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase).ToList();
        Assert.Equal(RouteTable.Fallback.Name, functions[^1].Name);
        Assert.Equal(RouteTable.Fallback.Name, functions.OrderBy(f => f.Name, StringComparer.Ordinal).Last().Name);
        Assert.Equal(RouteTable.Fallback.Name, await FirstMatchAsync(functions, RepoFiles.RoutePrefix(), method, path));
    }

    /// <summary>
    /// With an empty routePrefix the host's own routes live next to ours: no function may take them, and no page
    /// may take a path under /api (those are the API's, or the catch-all's ProblemDetails).
    /// </summary>
    [Theory]
    [InlineData("GET", "/admin/host/status")]
    [InlineData("POST", "/admin/functions/ComputeMetrics")]
    [InlineData("GET", "/runtime/webhooks/durabletask")]
    [InlineData("GET", "/")]
    [InlineData("GET", "/portfolios/p/extra/segments/here")]
    public async Task TheHostsOwnRoutesAndUnknownPagesMatchNoFunction(string method, string path)
    {
        var functions = RepoFiles.FunctionsMetadata().Where(f => f.IsHttp).OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase).ToList();
        Assert.Null(await FirstMatchAsync(functions, RepoFiles.RoutePrefix(), method, path));
    }

    [Fact]
    public async Task NoPageMatchesAPathUnderApi()
    {
        var pages = RepoFiles.FunctionsMetadata().Where(f => f.IsHttp && RouteTable.Pages.Any(p => p.Name == f.Name)).ToList();
        Assert.Equal(RouteTable.Pages.Count, pages.Count);
        foreach (var route in RouteTable.All)
        {
            foreach (var path in RouteSamples.All(route.Template))
            {
                Assert.Null(await FirstMatchAsync(pages, RepoFiles.RoutePrefix(), route.Method, path));
            }
        }
    }

    [Fact]
    public async Task TheMatcherSeesConstraintsVerbsAndLiterals()
    {
        // The model of the host used above must be able to tell routes apart, or the test proves nothing.
        var entitySet = new FunctionEntry("FeedEntitySet", "httpTrigger", Routes.FeedEntitySet, ["get"], "Anonymous", null, null, null);
        Assert.True(await MatchesAsync(HostRoute(entitySet, "api"), "GET", "/api/odata/Projects"));
        Assert.False(await MatchesAsync(HostRoute(entitySet, "api"), "GET", "/api/odata/$metadata"));
        Assert.False(await MatchesAsync(HostRoute(entitySet, "api"), "POST", "/api/odata/Projects"));
        var unconstrained = entitySet with { Route = "odata/{entitySet}" };
        Assert.True(await MatchesAsync(HostRoute(unconstrained, "api"), "GET", "/api/odata/$metadata"));
        var runJob = new FunctionEntry("RunJob", "httpTrigger", Routes.RunJob, ["post"], "Anonymous", null, null, null);
        Assert.True(await MatchesAsync(HostRoute(runJob, "api"), "POST", "/api/jobs/ComputeMetrics:run"));
        Assert.False(await MatchesAsync(HostRoute(runJob, "api"), "POST", "/api/jobs/ComputeMetrics"));
    }

    private static Route HostRoute(FunctionEntry function, string prefix)
    {
        var constraints = new Dictionary<string, object>();
        if (function.Methods.Count > 0)
        {
            constraints["httpMethod"] = new HttpMethodRouteConstraint([.. function.Methods.Select(m => m.ToUpperInvariant())]);
        }
        var template = string.IsNullOrEmpty(prefix) ? function.Route! : prefix + "/" + function.Route;
        return new Route(new Target(function.Name), function.Name, template, null, constraints, null, Services.GetRequiredService<IInlineConstraintResolver>());
    }

    private static async Task<bool> MatchesAsync(Route route, string method, string path) => await RouteAsync(route, method, path) is not null;

    private static async Task<string?> FirstMatchAsync(IEnumerable<FunctionEntry> functions, string prefix, string method, string path)
    {
        var collection = new RouteCollection();
        foreach (var function in functions)
        {
            collection.Add(HostRoute(function, prefix));
        }
        return await RouteAsync(collection, method, path);
    }

    private static async Task<string?> RouteAsync(IRouter router, string method, string path)
    {
        var http = new DefaultHttpContext { RequestServices = Services };
        http.Request.Method = method;
        http.Request.Path = path;
        var context = new RouteContext(http);
        await router.RouteAsync(context);
        return context.Handler is null ? null : (string)context.RouteData.DataTokens["function"]!;
    }

    /// <summary>What the host's route handler is: something that claims the request for one function.</summary>
    private sealed class Target(string name) : IRouter
    {
        public VirtualPathData? GetVirtualPath(VirtualPathContext context) => null;

        public Task RouteAsync(RouteContext context)
        {
            context.RouteData.DataTokens["function"] = name;
            context.Handler = _ => Task.CompletedTask;
            return Task.CompletedTask;
        }
    }
}
