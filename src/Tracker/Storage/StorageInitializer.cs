using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tracker.Storage;

/// <summary>
/// Creates what is missing of the tables (one per store), the job-lock container and the job queues on start: one
/// listing of the tables, then the missing resources at once, so a start over existing storage costs a few calls. When storage is unreachable the host still starts (health and every request answer
/// 503) and creation is retried in the background until it succeeds.
/// </summary>
public sealed partial class StorageInitializer(IEnumerable<IStorageResource> resources, TrackerTables tables, TimeProvider time, ILogger<StorageInitializer> logger)
    : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Try once before the host starts listening, so a healthy start serves its first request with tables in place.
        await TryCreateAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!IsReady && !stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            await TryCreateAsync(stoppingToken);
        }
    }

    private async Task TryCreateAsync(CancellationToken ct)
    {
        try
        {
            var existing = await tables.NamesAsync(ct);
            var missing = resources.Where(r => r is not ITableStore store || !existing.Contains(store.TableName)).ToList();
            await Task.WhenAll(missing.Select(r => r.CreateAsync(ct)));
            _ready.TrySetResult();
            LogReady(missing.Count(r => r is ITableStore), existing.Count);
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e))
        {
            LogUnavailable(e.GetType().Name);
        }
    }

    [LoggerMessage(LogLevel.Information, "Storage ready: {CreatedTables} tables created, {ExistingTables} there already; container and queues checked")]
    private partial void LogReady(int createdTables, int existingTables);

    [LoggerMessage(LogLevel.Warning, "Table storage unreachable at start ({Reason}); retrying every 5 s, requests answer 503 meanwhile")]
    private partial void LogUnavailable(string reason);
}
