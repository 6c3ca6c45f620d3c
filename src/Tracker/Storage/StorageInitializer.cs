using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tracker.Storage;

/// <summary>
/// Creates the tables (one per store) and the job-lock container on start. When storage is unreachable the host still starts (health and every request answer
/// 503) and creation is retried in the background until it succeeds.
/// </summary>
public sealed partial class StorageInitializer(IEnumerable<IStorageResource> resources, TimeProvider time, ILogger<StorageInitializer> logger)
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
            var count = 0;
            foreach (var resource in resources)
            {
                await resource.CreateAsync(ct);
                count++;
            }
            _ready.TrySetResult();
            LogReady(count);
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e))
        {
            LogUnavailable(e.GetType().Name);
        }
    }

    [LoggerMessage(LogLevel.Information, "Storage ready: {ResourceCount} tables and containers present")]
    private partial void LogReady(int resourceCount);

    [LoggerMessage(LogLevel.Warning, "Table storage unreachable at start ({Reason}); retrying every 5 s, requests answer 503 meanwhile")]
    private partial void LogUnavailable(string reason);
}
