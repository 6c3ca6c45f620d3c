using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracker.Api;
using Tracker.Baselines;
using Tracker.Common;
using Tracker.Dashboard;
using Tracker.Demo;
using Tracker.Digests;
using Tracker.Feed;
using Tracker.Health;
using Tracker.Jobs;
using Tracker.Mail;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Security;
using Tracker.Storage;
using Tracker.UpdateRequests;

namespace Tracker;

/// <summary>The service wiring both hosts share: options, storage, stores, security and handlers.</summary>
public static class TrackerServices
{
    public static IServiceCollection AddTracker(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TrackerOptions>().BindConfiguration(TrackerOptions.Section).ValidateOnStart();
        services.AddOptions<BaselineOptions>().BindConfiguration(BaselineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EntraOptions>().BindConfiguration(EntraOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrackerOptions>, TrackerOptionsValidation>();

        // The hosting diagnostics log every request line, query string included, and ?code= carries an API key.
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));

        services.AddMemoryCache();
        services.TryAddTimeProvider();
        services.AddSingleton<Ids>();
        services.AddSingleton<PublicBaseUrl>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<RateLimits>();
        services.AddSingleton<TrackerTables>();
        // One store per table, each also an ITableStore so that start-up creates exactly the tables that have an owner.
        services.AddTableStore<PortfolioStore>();
        services.AddTableStore<ProjectStore>();
        services.AddTableStore<UpdateStore>();
        services.AddTableStore<ApiKeyStore>();
        services.AddTableStore<IdempotencyStore>();
        services.AddTableStore<ProjectSnapshotStore>();
        services.AddTableStore<PortfolioSnapshotStore>();
        services.AddTableStore<JobRunStore>();
        services.AddTableStore<SubscriptionStore>();
        services.AddTableStore<DigestLogStore>();
        services.AddTableStore<SettingsStore>();
        services.AddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());

        services.AddSingleton(CreateBootstrapKey);
        services.AddHostedService<BootstrapKeyAnnouncer>();
        services.AddTableStore<GrantStore>();
        services.AddSingleton<EntraAuthenticator>();
        services.AddSingleton<AccessAdmin>();
        services.AddSingleton<GrantHandlers>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<ICallerGate, CallerGate>();
        services.AddSingleton<RequestPipeline>();
        services.AddSingleton(new RouteCatalog([.. RouteTable.All, .. RouteTable.Pages], RouteTable.Fallback));
        services.AddSingleton<ApiDispatcher>();

        services.AddSingleton<ProgressRecorder>();
        services.AddSingleton<ProjectHistories>();

        services.AddSingleton(sp => new MetricsEngine(
            sp.GetRequiredService<IOptions<MetricsOptions>>().Value, sp.GetRequiredService<IOptions<BaselineOptions>>().Value));
        services.AddSingleton<HistoryLoader>();
        services.AddSingleton<Snapshots>();
        services.AddSingleton<ComputeMetricsJob>();
        services.AddSingleton<IJob>(sp => sp.GetRequiredService<ComputeMetricsJob>());
        services.AddSingleton<BuildHistoriesJob>();
        services.AddSingleton<IJob>(sp => sp.GetRequiredService<BuildHistoriesJob>());
        services.AddSingleton<UnsubscribeTokens>();
        services.AddSingleton<DigestService>();
        services.AddTrackerMail();
        services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidation>();
        services.AddSingleton<SendDigestsJob>();
        services.AddSingleton<IJob>(sp => sp.GetRequiredService<SendDigestsJob>());
        services.AddTableStore<UpdateRequestStore>();
        services.AddSingleton<UpdateRequestTokens>();
        services.AddSingleton<UpdateRequestService>();
        services.AddSingleton<UpdateRequestHandlers>();
        services.AddSingleton<RequestUpdatesJob>();
        services.AddSingleton<IJob>(sp => sp.GetRequiredService<RequestUpdatesJob>());
        services.AddSingleton<JobLock>();
        services.AddSingleton<IStorageResource>(sp => sp.GetRequiredService<JobLock>());
        services.AddSingleton<JobQueues>();
        services.AddSingleton<IStorageResource>(sp => sp.GetRequiredService<JobQueues>());
        services.AddTableStore<JobRunPortfolioStore>();
        services.AddOptions<JobQueueOptions>().BindConfiguration(JobQueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobQueueConsumer>();

        services.AddSingleton<HealthHandlers>();
        services.AddSingleton<OpenApiHandlers>();
        services.AddSingleton<BaselineHandlers>();
        services.AddSingleton<PortfolioHandlers>();
        services.AddSingleton<ProjectHandlers>();
        services.AddSingleton<UpdateHandlers>();
        services.AddSingleton<KeyHandlers>();
        services.AddSingleton<MetricsHandlers>();
        services.AddSingleton<FeedModel>();
        services.AddSingleton<FeedPlanner>();
        services.AddSingleton<FeedReader>();
        services.AddSingleton<FeedReadAhead>();
        services.AddSingleton<FeedHandlers>();
        services.AddSingleton<JobHandlers>();
        services.AddSingleton<DigestHandlers>();
        services.AddSingleton<UnmatchedRoutes>();
        services.AddSingleton<Spreadsheets.SpreadsheetImports>();
        services.AddSingleton<Spreadsheets.SpreadsheetHandlers>();

        services.AddTableStore<SessionStore>();
        services.AddSingleton<DashboardSessions>();
        services.AddSingleton<EntraSignIn>();
        services.AddSingleton<IPageGate, PageGate>();
        services.AddSingleton<DashboardReader>();
        services.AddSingleton<DashboardHandlers>();
        services.AddSingleton<ProjectActions>();
        services.AddSingleton<PortfolioActions>();
        services.AddSingleton<AccessActions>();

        services.AddSingleton<DemoSeeder>();
        services.AddHostedService<DemoSeederService>();
        return services;
    }

    private static void AddTableStore<TStore>(this IServiceCollection services) where TStore : class, ITableStore
    {
        services.AddSingleton<TStore>();
        services.AddSingleton<ITableStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IStorageResource>(sp => sp.GetRequiredService<TStore>());
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>
    /// The configured bootstrap admin key; in Development without one, a fresh key printed once to the console
    /// (never to the logs) for this run.
    /// </summary>
    private static BootstrapKey CreateBootstrapKey(IServiceProvider services)
    {
        var key = services.GetRequiredService<IOptions<TrackerOptions>>().Value.BootstrapAdminKey;
        if (string.IsNullOrEmpty(key) && services.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            key = KeySecrets.Compose("bootstrap", KeySecrets.NewSecret());
            Console.WriteLine($"Development admin key (printed once, valid while this process runs): {key}");
        }
        return new BootstrapKey(key);
    }
}
