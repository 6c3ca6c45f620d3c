using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Tracker.Common;

namespace Tracker.Jobs;

/// <summary>
/// Runs a job under its lock and records the run in JobRuns (start, end, outcome, counts). A scheduled run is
/// skipped when another instance holds the lock or has already run that occurrence.
/// </summary>
public sealed partial class JobRunner(IEnumerable<IJob> jobs, JobLock locks, JobRunStore runs, Ids ids, TimeProvider time, ILogger<JobRunner> logger)
{
    public static readonly string Instance = $"{Environment.MachineName}:{Environment.ProcessId}";

    public IReadOnlyList<IJob> Jobs { get; } = [.. jobs];

    public IJob? Find(string name) => Jobs.FirstOrDefault(j => string.Equals(j.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <returns>The recorded run, or null when it was skipped (locked elsewhere, or the occurrence already ran).</returns>
    public async Task<JobRun?> RunAsync(IJob job, string trigger, DateTimeOffset? occurrence, CancellationToken ct, IProgress<string>? progress = null)
    {
        var lease = await locks.TryAcquireAsync(job.Name, ct);
        if (lease is null)
        {
            LogSkipped(job.Name, trigger, "locked by another instance");
            return null;
        }
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var renewing = new CancellationTokenSource();
        var renewal = RenewAsync(lease, leaseLost, renewing.Token);
        try
        {
            if (occurrence is { } due && await runs.CoveredAsync(job.Name, due, ct))
            {
                LogSkipped(job.Name, trigger, "occurrence already run");
                return null;
            }
            var runId = ids.New();
            var started = time.GetUtcNow();
            var run = new JobRunEntity
            {
                PartitionKey = JobRunStore.Partition(job.Name),
                RowKey = JobRunStore.RowKey(started, runId),
                RunId = runId,
                Trigger = trigger,
                ScheduledFor = occurrence,
                StartedAt = started,
                Outcome = TrackerJson.Name(JobOutcome.Running),
                Instance = Instance,
            };
            await runs.AddAsync(run, ct);
            LogStarted(job.Name, runId, trigger);
            try
            {
                var counts = await job.RunAsync(progress, leaseLost.Token);
                (run.Portfolios, run.Days, run.Snapshots, run.Sent, run.Failed, run.Resent) = (counts.Portfolios, counts.Days, counts.Snapshots, counts.Sent, counts.Failed, counts.Resent);
                run.Outcome = TrackerJson.Name(JobOutcome.Succeeded);
            }
            catch (Exception e)
            {
                // Stopped or failed part way: recorded as failed; the job itself is resumable, so the next run mends it.
                run.Outcome = TrackerJson.Name(JobOutcome.Failed);
                run.Error = e is OperationCanceledException && !leaseLost.IsCancellationRequested ? "Stopped before it finished." : e.GetType().Name + ": " + e.Message;
                LogFailed(e, job.Name, runId);
            }
            run.FinishedAt = time.GetUtcNow();
            await runs.UpdateAsync(run, CancellationToken.None);
            LogFinished(job.Name, runId, run.Outcome, run.Portfolios, run.Days, run.Snapshots, run.Sent, run.Failed, (run.FinishedAt.Value - started).TotalSeconds);
            ct.ThrowIfCancellationRequested();
            return run.ToApi();
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
            try
            {
                await lease.ReleaseAsync(cancellationToken: CancellationToken.None);
            }
            catch (Azure.RequestFailedException)
            {
                // Lost or expired: another instance may hold it now, which is fine once this run is over.
            }
        }
    }

    private async Task RenewAsync(BlobLeaseClient lease, CancellationTokenSource leaseLost, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(JobLock.RenewEvery, time, stop);
                await lease.RenewAsync(cancellationToken: stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without the lease another instance may start the job: stop this run rather than run it twice.
            LogLeaseLost(e.GetType().Name);
            await leaseLost.CancelAsync();
        }
    }

    [LoggerMessage(LogLevel.Information, "Job {Job} run {RunId} started ({Trigger})")]
    private partial void LogStarted(string job, string runId, string trigger);

    [LoggerMessage(LogLevel.Information, "Job {Job} run {RunId} {Outcome}: {Portfolios} portfolios, {Days} days, {Snapshots} snapshots, {Sent} sent, {Failed} failed in {Seconds:F1} s")]
    private partial void LogFinished(string job, string runId, string outcome, int portfolios, int days, int snapshots, int sent, int failed, double seconds);

    [LoggerMessage(LogLevel.Error, "Job {Job} run {RunId} failed")]
    private partial void LogFailed(Exception exception, string job, string runId);

    [LoggerMessage(LogLevel.Information, "Job {Job} ({Trigger}) skipped: {Reason}")]
    private partial void LogSkipped(string job, string trigger, string reason);

    [LoggerMessage(LogLevel.Warning, "Lost the job lease ({Reason}); stopping the run")]
    private partial void LogLeaseLost(string reason);
}
