using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tracker.Api;
using Tracker.Jobs;
using Tracker.Metrics;
using Tracker.Portfolios;

namespace Tracker.Tests.Jobs;

/// <summary>
/// The application's services (the same <c>AddTracker()</c> both hosts use) on a real Azurite, with a fake clock, and
/// optionally the server's scheduler and queue consumer. Two of these over one Azurite behave like two instances of the
/// server. Without them, <see cref="RunJobAsync"/> starts a run and works its queue off in this host.
/// </summary>
public sealed class JobHost : IAsyncDisposable
{
    private readonly IHost _host;

    private readonly string _connectionString;

    private JobHost(IHost host, FakeTimeProvider time, string connectionString)
    {
        _host = host;
        Time = time;
        _connectionString = connectionString;
    }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _host.Services;

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>A bare SDK client of a table (named by its store), to check what is stored as it is stored.</summary>
    public Azure.Data.Tables.TableClient Table(string name) => new Azure.Data.Tables.TableServiceClient(_connectionString).GetTableClient(name);

    public static async Task<JobHost> StartAsync(string connectionString, DateTimeOffset now, bool scheduler = false,
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider(now);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:MaxRetries"] = "1",
            ["Tracker:BootstrapAdminKey"] = "job-host-admin-key-0123456789abcdef0123",
            [JobScheduler.EnabledSetting] = scheduler.ToString(),
            ["Jobs:Queues:ConsumerEnabled"] = scheduler.ToString(),
            ["Jobs:Queues:RetryDelay"] = "00:00:00", // a failed message comes back at once
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        services?.Invoke(builder.Services);
        builder.Services.AddTracker();
        builder.Services.AddJobScheduler(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new JobHost(host, time, connectionString);
    }

    public async Task<string> AddPortfolioAsync(string id, string timeZone = "Europe/Amsterdam")
    {
        var now = Time.GetUtcNow();
        await Get<PortfolioStore>().AddAsync(new PortfolioEntity { RowKey = id, Name = id, TimeZone = timeZone, CreatedAt = now, UpdatedAt = now }, default);
        return id;
    }

    public async Task AddProjectAsync(string portfolioId, ProjectHistory history)
    {
        var body = new CreateProjectRequest
        {
            Name = history.Id,
            Category = history.Category,
            Status = history.InitialStatus,
            Priority = history.InitialPriority,
            StartDate = history.StartDate,
            TargetDate = history.TargetDate,
            Budget = (decimal)history.InitialBudget,
            Spend = (decimal)history.InitialSpend,
            PercentComplete = (decimal)history.InitialPercentComplete,
            CustomerEngagement = history.CustomerEngagement,
            CustomerKpi = history.CustomerKpi,
            FinancialMeasure = history.FinancialMeasure,
        };
        await Get<ProjectStore>().AddAsync(ProjectHandlers.NewEntity(portfolioId, body, history.Id, Time.GetUtcNow()), default);
        // Each update recorded when it was reported, as if posted live: history that arrives late is another test's case.
        foreach (var u in history.Updates)
        {
            await Get<ProgressRecorder>().RecordAsync(portfolioId, history.Id, new PostUpdateRequest
            {
                ReportedAt = u.ReportedAt,
                PercentComplete = (decimal?)u.PercentComplete,
                Spend = (decimal?)u.Spend,
                Budget = (decimal?)u.Budget,
                Priority = u.Priority,
                Status = u.Status,
                Rag = u.Rag,
            }, "test", new RequestIdentity(Get<Tracker.Common.Ids>().New(), u.ReportedAt), default);
        }
    }

    public Task<JobRun?> RunMetricsAsync(string trigger = "manual", DateTimeOffset? occurrence = null, CancellationToken ct = default) =>
        RunJobAsync(Get<ComputeMetricsJob>(), trigger, occurrence, ct);

    /// <summary>
    /// Starts a run as the timer does (one queue message per portfolio), works the job's queue off in this host as the
    /// consumer does, and answers with the run as GET /api/jobs shows it then; null when the run was skipped.
    /// </summary>
    public async Task<JobRun?> RunJobAsync(IJob job, string trigger = "manual", DateTimeOffset? occurrence = null, CancellationToken ct = default)
    {
        var run = await Get<JobRunner>().EnqueueAsync(job, trigger, occurrence, ct);
        if (run is null)
        {
            return null;
        }
        await Get<JobQueueConsumer>().DrainAsync(job, ct);
        return await Get<JobRunner>().FindAsync(job.Name, run.Id, ct);
    }

    /// <summary>Every run of a job, newest first, as GET /api/jobs shows them.</summary>
    public async Task<IReadOnlyList<JobRun>> RunsAsync(string job)
    {
        var runs = new List<JobRun>();
        foreach (var run in (await Get<JobRunStore>().ListAsync(job, 100, null, default)).Items)
        {
            runs.Add(await Get<JobRunner>().DescribeAsync(run, default));
        }
        return runs;
    }

    /// <summary>Every snapshot row without its timestamps (by default), in key order, for comparing two runs.</summary>
    public async Task<List<string>> SnapshotRowsAsync(bool withTimestamps = false)
    {
        var rows = new List<string>();
        foreach (var table in new[] { Table(ProjectSnapshotStore.Name), Table(PortfolioSnapshotStore.Name) })
        {
            await foreach (var e in table.QueryAsync<Azure.Data.Tables.TableEntity>())
            {
                rows.Add(string.Join(";", e.Where(kv => withTimestamps || kv.Key is not ("Timestamp" or "odata.etag" or "ComputedAt"))
                    .OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")));
            }
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>What the engine gives for a day, from what storage holds now.</summary>
    public async Task<MetricsResult> RecomputeAsync(string portfolioId, DateOnly day)
    {
        var portfolio = await Get<PortfolioStore>().GetAsync(portfolioId, default);
        var histories = await Get<HistoryLoader>().LoadAsync(portfolioId, default);
        return Get<MetricsEngine>().Compute(portfolioId, histories, day, portfolio.Zone);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
