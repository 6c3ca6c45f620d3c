using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracker.Storage;

namespace Tracker.Functions;

/// <summary>
/// The Functions worker: ASP.NET Core integration, the failure middleware, Application Insights for the worker's own
/// logs and dependency calls, and the shared services. Program.cs calls this; tests build the same host.
/// </summary>
public static class FunctionsHost
{
    /// <summary>The logger provider of Application Insights; its default rule keeps only warnings, removed below.</summary>
    public const string ApplicationInsightsProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    public static FunctionsApplicationBuilder Configure(this FunctionsApplicationBuilder builder)
    {
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<UnhandledFailureMiddleware>();

        // Worker telemetry goes straight to Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING, and with
        // APPLICATIONINSIGHTS_AUTHENTICATION_STRING Entra ID auth through the app's managed identity). Log levels
        // come from the Logging section of the app settings (Logging__LogLevel__Default, Logging__LogLevel__Tracker);
        // host.json sets the levels of the host's own logs.
        builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
        builder.Logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            var rule = options.Rules.FirstOrDefault(r => r.ProviderName == ApplicationInsightsProvider);
            if (rule is not null)
            {
                options.Rules.Remove(rule);
            }
        });

        builder.Services.AddTracker();
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, JobQueueAccountValidation>();
        return builder;
    }
}
