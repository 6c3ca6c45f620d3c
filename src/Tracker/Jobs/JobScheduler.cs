using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NCrontab;
using Tracker.Storage;

namespace Tracker.Jobs;

/// <summary>
/// The self-hosted server's timer: starts each job on the same NCRONTAB setting the Functions host uses
/// (<c>MetricsSchedule</c>, ...), through <see cref="JobRunner.EnqueueAsync"/> (lease + JobRuns + one queue message
/// per portfolio), and at start catches up the latest occurrence if no run covered it while the server was down.
/// </summary>
public sealed partial class JobScheduler(JobRunner runner, JobRunStore runs, StorageInitializer storage, IConfiguration configuration, TimeProvider time, ILogger<JobScheduler> logger)
    : BackgroundService
{
    public const string EnabledSetting = "Jobs:SchedulerEnabled";
    private static readonly CrontabSchedule.ParseOptions WithSeconds = new() { IncludingSeconds = true };

    public static CrontabSchedule Schedule(IConfiguration configuration, IJob job)
    {
        var expression = configuration[job.ScheduleSetting] ?? job.DefaultSchedule;
        return CrontabSchedule.TryParse(expression, WithSeconds)
            ?? throw new InvalidOperationException($"{job.ScheduleSetting} = '{expression}' is not an NCRONTAB expression with seconds, such as '0 0 2 * * *'.");
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var job in runner.Jobs)
        {
            Schedule(configuration, job); // a bad schedule stops the host at start, naming the setting
        }
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(runner.Jobs.Select(job => LoopAsync(job, Schedule(configuration, job), stoppingToken)));

    private async Task LoopAsync(IJob job, CrontabSchedule schedule, CancellationToken ct)
    {
        while (!storage.IsReady)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
        }
        await GuardAsync(job, async () =>
        {
            var last = LastOccurrence(schedule, time.GetUtcNow());
            if (last is { } missed && !await runs.CoveredAsync(job.Name, missed, ct))
            {
                await runner.EnqueueAsync(job, "catchUp", missed, ct);
            }
        }, ct);
        while (!ct.IsCancellationRequested)
        {
            var next = new DateTimeOffset(schedule.GetNextOccurrence(time.GetUtcNow().UtcDateTime), TimeSpan.Zero);
            while (time.GetUtcNow() < next)
            {
                var wait = next - time.GetUtcNow();
                await Task.Delay(wait > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : wait, time, ct);
            }
            await GuardAsync(job, () => runner.EnqueueAsync(job, "schedule", next, ct), ct);
        }
    }

    /// <summary>The latest occurrence at or before now, looking back two intervals of the schedule.</summary>
    public static DateTimeOffset? LastOccurrence(CrontabSchedule schedule, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var next = schedule.GetNextOccurrence(utc);
        var span = schedule.GetNextOccurrence(next) - next;
        var lookBack = TimeSpan.FromTicks(Math.Clamp(2 * span.Ticks, TimeSpan.FromMinutes(1).Ticks, TimeSpan.FromDays(400).Ticks));
        var occurrences = schedule.GetNextOccurrences(utc - lookBack, utc.AddTicks(1));
        return occurrences.Any() ? new DateTimeOffset(occurrences.Last(), TimeSpan.Zero) : null;
    }

    private async Task GuardAsync(IJob job, Func<Task> work, CancellationToken ct)
    {
        try
        {
            await work();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Storage down or a failed run: log, and wait for the next occurrence rather than stop the scheduler.
            LogSchedulerError(e, job.Name);
        }
    }

    [LoggerMessage(LogLevel.Error, "The scheduler could not run {Job}")]
    private partial void LogSchedulerError(Exception exception, string job);
}

public static class JobSchedulerRegistration
{
    /// <summary>
    /// The server's scheduler (off when <c>Jobs:SchedulerEnabled</c> is false: tests that start runs themselves) and its
    /// queue consumer (off when <c>Jobs:Queues:ConsumerEnabled</c> is false: tests that drain the queues themselves).
    /// </summary>
    public static IServiceCollection AddJobScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetValue(JobScheduler.EnabledSetting, true))
        {
            services.AddHostedService<JobScheduler>();
        }
        if (configuration.GetValue(JobQueueOptions.Section + ":" + nameof(JobQueueOptions.ConsumerEnabled), true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<JobQueueConsumer>());
        }
        return services;
    }
}
