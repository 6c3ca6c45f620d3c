using Tracker.Api;

namespace Tracker.Server;

/// <summary>
/// Maps the route table (<see cref="RouteTable"/>) onto minimal APIs: every endpoint hands the request to
/// <see cref="ApiDispatcher"/> with the route's name and values — exactly what a function of the Functions host does —
/// and carries its declaration, from which <see cref="OpenApi"/> describes it.
/// </summary>
public static class ApiEndpoints
{
    public static RouteGroupBuilder MapTrackerApi(this RouteGroupBuilder api)
    {
        // The document's own route is served by MapOpenApi (TrackerServer), generated from these declarations.
        foreach (var route in RouteTable.All.Where(r => r.Doc is not null))
        {
            api.MapMethods(route.Template, [route.Method], (HttpRequest request, ApiDispatcher dispatcher) =>
                    dispatcher.RunAsync(route.Name, request, [.. route.Parameters.Select(p => request.RouteValues[p] as string ?? "")]))
                .Describe(route);
        }
        return api;
    }

    /// <summary>
    /// The dashboard's pages at the root, through the same dispatcher; <c>/</c> leads to the portfolios page. Not in
    /// the OpenAPI document.
    /// </summary>
    public static IEndpointRouteBuilder MapTrackerPages(this IEndpointRouteBuilder app)
    {
        foreach (var route in RouteTable.Pages)
        {
            app.MapMethods(route.Template, [route.Method], (HttpRequest request, ApiDispatcher dispatcher) =>
                    dispatcher.RunAsync(route.Name, request, [.. route.Parameters.Select(p => request.RouteValues[p] as string ?? "")]))
                .WithName(route.Name).ExcludeFromDescription();
        }
        app.MapGet("/", () => Results.Redirect(Dashboard.DashboardRoutes.Portfolios)).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Names the endpoint and declares its answers for the document: the ones every route can give, then the route's
    /// own in the order it lists them. The rest of the description is read from the route itself (<see cref="OpenApi"/>).
    /// </summary>
    private static void Describe(this RouteHandlerBuilder endpoint, RouteSpec route)
    {
        var doc = route.Doc!;
        endpoint.WithName(route.Name).WithSummary(doc.Summary).WithMetadata(route)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        // Not Accepts: that makes routing answer a bare 415 before the handler; the handler's own check answers 415
        // as ProblemDetails, the same in both hosts.
        foreach (var response in doc.Responses)
        {
            if (response.Problem)
            {
                endpoint.ProducesProblem(response.Status);
            }
            else
            {
                endpoint.Produces(response.Status, response.Type, response.ContentType);
            }
        }
    }
}
