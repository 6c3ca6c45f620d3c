using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace Tracker.Storage;

/// <summary>The one <see cref="TableServiceClient"/> of the process and a client for each table of the layout.</summary>
public sealed class TrackerTables
{
    public const string PortfoliosTable = "Portfolios";
    public const string ProjectsTable = "Projects";
    public const string UpdatesTable = "Updates";
    public const string ApiKeysTable = "ApiKeys";
    public const string IdempotencyTable = "Idempotency";
    public const string ProjectSnapshotsTable = "ProjectSnapshots";
    public const string PortfolioSnapshotsTable = "PortfolioSnapshots";
    public const string JobRunsTable = "JobRuns";
    public const string SubscriptionsTable = "Subscriptions";
    public const string DigestLogTable = "DigestLog";
    public const string SettingsTable = "Settings";

    public static readonly IReadOnlyList<string> All =
        [PortfoliosTable, ProjectsTable, UpdatesTable, ApiKeysTable, IdempotencyTable, ProjectSnapshotsTable, PortfolioSnapshotsTable, JobRunsTable,
         SubscriptionsTable, DigestLogTable, SettingsTable];

    /// <param name="policies">extra pipeline policies from DI, applied to every call (none in production; tests
    /// register one to inject storage faults between two calls of one request).</param>
    public TrackerTables(IOptions<StorageOptions> options, IEnumerable<HttpPipelinePolicy> policies)
    {
        var o = options.Value;
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.MaxRetries = o.MaxRetries;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(20);
        foreach (var policy in policies)
        {
            clientOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }
        Service = string.IsNullOrWhiteSpace(o.ConnectionString)
            ? new TableServiceClient(o.TableEndpoint!, new DefaultAzureCredential(), clientOptions)
            : new TableServiceClient(o.ConnectionString, clientOptions);
        Portfolios = Service.GetTableClient(PortfoliosTable);
        Projects = Service.GetTableClient(ProjectsTable);
        Updates = Service.GetTableClient(UpdatesTable);
        ApiKeys = Service.GetTableClient(ApiKeysTable);
        Idempotency = Service.GetTableClient(IdempotencyTable);
        ProjectSnapshots = Service.GetTableClient(ProjectSnapshotsTable);
        PortfolioSnapshots = Service.GetTableClient(PortfolioSnapshotsTable);
        JobRuns = Service.GetTableClient(JobRunsTable);
        Subscriptions = Service.GetTableClient(SubscriptionsTable);
        DigestLog = Service.GetTableClient(DigestLogTable);
        Settings = Service.GetTableClient(SettingsTable);
    }

    public TableServiceClient Service { get; }

    public TableClient Portfolios { get; }

    public TableClient Projects { get; }

    public TableClient Updates { get; }

    public TableClient ApiKeys { get; }

    public TableClient Idempotency { get; }

    public TableClient ProjectSnapshots { get; }

    public TableClient PortfolioSnapshots { get; }

    public TableClient JobRuns { get; }

    public TableClient Subscriptions { get; }

    public TableClient DigestLog { get; }

    public TableClient Settings { get; }
}
