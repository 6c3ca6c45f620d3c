using Tracker.Api;
using Tracker.Jobs;

namespace Tracker.Server;

/// <summary>The self-hosted host: the shared services and handlers on Kestrel, under <c>/api</c>.</summary>
public static class TrackerServer
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddTracker();
        builder.Services.AddTrackerOpenApi();
        builder.Services.AddJobScheduler(builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        // Anything that escapes a handler's pipeline is the same logged ProblemDetails 500 the Functions worker gives.
        app.UseExceptionHandler(failed => failed.Run(context =>
            ApiResponse.Problem(Problems.Unexpected(), context.Request.Path.Value ?? "").ExecuteAsync(context)));
        app.MapOpenApi("/" + Routes.Prefix + "/" + Routes.OpenApi);
        app.MapGroup("/" + Routes.Prefix).MapTrackerApi();
        app.MapTrackerPages();
        // Every other path, whatever it holds (encoded slashes, dot segments, a file extension): the catch-all's
        // ProblemDetails 404 or 405. Not MapFallback, whose default pattern skips paths that look like file names.
        app.Map("{**path}", (HttpRequest r, ApiDispatcher api) => api.RunAsync(RouteTable.Fallback.Name, r)).WithOrder(int.MaxValue).ExcludeFromDescription();
        return app;
    }
}
