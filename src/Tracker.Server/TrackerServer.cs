using Tracker.Hosting;
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
        app.MapOpenApi("/" + Routes.Prefix + "/" + Routes.OpenApi);
        app.MapGroup("/" + Routes.Prefix).MapTrackerApi();
        return app;
    }
}
