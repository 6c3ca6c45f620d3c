using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracker.Common;

namespace Tracker.Jobs;

/// <summary>
/// Runs jobs as a fan-out. <see cref="EnqueueAsync"/> starts a run under the job's lock: it records the run in
/// JobRuns, asks the job for its plan, records each planned portfolio as enqueued (JobRunPortfolios) and puts one
/// message per portfolio on the job's queue. <see cref="ProcessAsync"/> does one message's portfolio, for whichever
/// consumer took it (a QueueTrigger function, or the server's <see cref="JobQueueConsumer"/>), and records the outcome
/// on the portfolio's row. <see cref="DescribeAsync"/> adds the rows up, and writes a run's final outcome once every
/// portfolio has completed or failed for good.
/// </summary>
public sealed partial class JobRunner(
    IEnumerable<IJob> jobs, JobLock locks, JobRunStore runs, JobRunPortfolioStore items, JobQueues queues, IOptions<JobQueueOptions> queueOptions,
    Ids ids, TimeProvider time, ILogger<JobRunner> logger)
{
    /// <summary>A run still enqueuing after this long was stopped part way (its process died); it shows as failed.</summary>
    public static readonly TimeSpan EnqueueDeadline = TimeSpan.FromHours(1);

    public static readonly string Instance = $"{Environment.MachineName}:{Environment.ProcessId}";

    public IReadOnlyList<IJob> Jobs { get; } = [.. jobs];

    public IJob? Find(string name) => Jobs.FirstOrDefault(j => string.Equals(j.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <returns>The run as enqueued, or null when it was skipped (locked elsewhere, or the occurrence already ran).</returns>
    public async Task<JobRun?> EnqueueAsync(IJob job, string trigger, DateTimeOffset? occurrence, CancellationToken ct)
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
            var run = await StartRunAsync(job, trigger, occurrence, ct);
            try
            {
                var plan = new List<PlannedWork>();
                await foreach (var work in job.PlanAsync(leaseLost.Token))
                {
                    plan.Add(work);
                }
                await items.AddEnqueuedAsync(job.Name, run.RunId, plan.Select(p => p.PortfolioId), time.GetUtcNow(), leaseLost.Token);
                var now = time.GetUtcNow();
                await queues.SendAsync(job, plan.Select(p => new PortfolioWork(job.Name, run.RunId, p.PortfolioId, p.Days, now)), leaseLost.Token);
                run.Enqueued = plan.Count;
                run.EnqueuedAt = time.GetUtcNow();
                if (plan.Count == 0)
                {
                    run.Outcome = TrackerJson.Name(JobOutcome.Succeeded);
                    run.FinishedAt = run.EnqueuedAt;
                }
                LogEnqueued(job.Name, run.RunId, plan.Count, (run.EnqueuedAt.Value - run.StartedAt).TotalSeconds);
            }
            catch (Exception e)
            {
                // Stopped or failed while enqueuing: what was sent is processed; the run is failed, and the next run
                // covers the rest (every job's work is idempotent).
                run.Outcome = TrackerJson.Name(JobOutcome.Failed);
                run.Error = e is OperationCanceledException && !leaseLost.IsCancellationRequested ? "Stopped while enqueuing." : e.GetType().Name + ": " + e.Message;
                run.FinishedAt = time.GetUtcNow();
                LogEnqueueFailed(e, job.Name, run.RunId);
            }
            await runs.UpdateAsync(run, CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            return await DescribeAsync(run, CancellationToken.None);
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
                // Lost or expired: another instance may hold it now, which is fine once this run is enqueued.
            }
        }
    }

    private async Task<JobRunEntity> StartRunAsync(IJob job, string trigger, DateTimeOffset? occurrence, CancellationToken ct)
    {
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
        return run;
    }

    /// <summary>
    /// Does one message's portfolio and records the outcome on its row. A portfolio already completed in this run (the
    /// message came twice) is not done again. A failure is recorded — as retrying, or as failed on the last attempt
    /// (<see cref="JobQueueOptions.MaxDequeueCount"/>, after which the message goes to the poison queue) — and rethrown,
    /// so the queue retries it.
    /// </summary>
    /// <returns>What the work did, or null when it had been done already.</returns>
    public async Task<JobCounts?> ProcessAsync(PortfolioWork work, long dequeueCount, CancellationToken ct)
    {
        var job = Find(work.Job) ?? throw new InvalidOperationException($"The message names job '{work.Job}', which this app does not have.");
        var before = await items.FindAsync(work.RunId, work.PortfolioId, ct);
        if (before?.WorkState == WorkState.Completed)
        {
            LogAlreadyDone(job.Name, work.RunId, work.PortfolioId);
            return null;
        }
        var row = Row(work, dequeueCount);
        JobCounts counts;
        try
        {
            counts = await job.ProcessAsync(work, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var last = dequeueCount >= queueOptions.Value.MaxDequeueCount;
            row.State = TrackerJson.Name(last ? WorkState.Failed : WorkState.Retrying);
            row.Error = e.GetType().Name + ": " + e.Message;
            row.UpdatedAt = time.GetUtcNow();
            await items.TryRecordAsync(row, before?.ETag, CancellationToken.None);
            LogWorkFailed(e, job.Name, work.RunId, work.PortfolioId, row.Attempts, last ? "moves to the poison queue" : "will be retried");
            throw;
        }
        (row.Days, row.Snapshots, row.Sent, row.Failed, row.Resent, row.Histories) = (counts.Days, counts.Snapshots, counts.Sent, counts.Failed, counts.Resent, counts.Histories);
        row.State = TrackerJson.Name(WorkState.Completed);
        row.UpdatedAt = time.GetUtcNow();
        if (!await items.TryRecordAsync(row, before?.ETag, CancellationToken.None))
        {
            LogAlreadyDone(job.Name, work.RunId, work.PortfolioId);
        }
        return counts;
    }

    /// <summary>A run by job and id, as GET /api/jobs shows it; null when there is none.</summary>
    public async Task<JobRun?> FindAsync(string job, string runId, CancellationToken ct) =>
        await runs.FindAsync(job, runId, ct) is { } run ? await DescribeAsync(run, ct) : null;

    /// <summary>Records a portfolio as failed for good without trying again: its message was taken too often without an answer.</summary>
    public async Task GiveUpAsync(PortfolioWork work, long dequeueCount, CancellationToken ct)
    {
        var before = await items.FindAsync(work.RunId, work.PortfolioId, ct);
        if (before?.WorkState == WorkState.Completed)
        {
            return;
        }
        var row = Row(work, dequeueCount);
        row.State = TrackerJson.Name(WorkState.Failed);
        row.Error = $"Taken {dequeueCount} times and never answered (the process stopped while working on it).";
        row.UpdatedAt = time.GetUtcNow();
        await items.TryRecordAsync(row, before?.ETag, ct);
    }

    /// <summary>The row of a message's portfolio in its run, as this instance's attempt number <paramref name="dequeueCount"/> leaves it.</summary>
    private static JobRunPortfolioEntity Row(PortfolioWork work, long dequeueCount) => new()
    {
        PartitionKey = JobRunPortfolioStore.Partition(work.RunId),
        RowKey = JobRunPortfolioStore.RowKey(work.PortfolioId),
        Job = work.Job,
        Attempts = (int)Math.Min(dequeueCount, int.MaxValue),
        Instance = Instance,
    };

    /// <summary>
    /// A run on the wire. A finished run is read from its row; an unfinished one (or one with failures) from its
    /// portfolios' rows, and once they have all completed or failed its outcome, end and counts are written to its row.
    /// </summary>
    public async Task<JobRun> DescribeAsync(JobRunEntity run, CancellationToken ct)
    {
        var outcome = run.RunOutcome;
        if (outcome != JobOutcome.Running && (run.Enqueued is null || run.FailedPortfolios == 0 && run.Completed == run.Enqueued))
        {
            return run.ToApi(new RunProgress(run.Enqueued ?? 0, 0, run.Completed, 0, run.FailedPortfolios), []);
        }
        var rows = await items.ListAsync(run.RunId, ct);
        var progress = RunProgress.Of(rows);
        var failures = rows.Where(r => r.WorkState is WorkState.Retrying or WorkState.Failed)
            .Select(r => new PortfolioFailure(r.RowKey, r.WorkState, r.Attempts, r.Error)).ToList();
        if (outcome == JobOutcome.Running)
        {
            var counts = rows.Aggregate(JobCounts.None, (sum, r) => sum.Add(r.Counts));
            (run.Portfolios, run.Days, run.Snapshots, run.Sent, run.Failed, run.Resent, run.Histories) =
                (counts.Portfolios, counts.Days, counts.Snapshots, counts.Sent, counts.Failed, counts.Resent, counts.Histories);
            if (run.EnqueuedAt is not null && progress.Finished)
            {
                run.Outcome = TrackerJson.Name(progress.Failed > 0 ? JobOutcome.Failed : JobOutcome.Succeeded);
                run.FinishedAt = rows.Count > 0 ? rows.Max(r => r.UpdatedAt) : run.EnqueuedAt;
                (run.Completed, run.FailedPortfolios) = (progress.Completed, progress.Failed);
                run.Error = progress.Failed > 0
                    ? $"{progress.Failed} of {progress.Enqueued} portfolios failed (their messages are in {run.PartitionKey}'s poison queue): {string.Join(", ", failures.Select(f => f.PortfolioId))}."
                    : null;
                await runs.UpdateAsync(run, ct);
                LogFinished(run.PartitionKey, run.RunId, run.Outcome, progress.Completed, progress.Failed, (run.FinishedAt.Value - run.StartedAt).TotalSeconds);
            }
            else if (run.EnqueuedAt is null && time.GetUtcNow() - run.StartedAt > EnqueueDeadline)
            {
                run.Outcome = TrackerJson.Name(JobOutcome.Failed);
                run.Error = "Stopped while enqueuing (the process ended); the next run covers what it missed.";
            }
        }
        return run.ToApi(progress, failures);
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
            // Without the lease another instance may start the job: stop enqueuing rather than enqueue twice.
            LogLeaseLost(e.GetType().Name);
            await leaseLost.CancelAsync();
        }
    }

    [LoggerMessage(LogLevel.Information, "Job {Job} run {RunId} started ({Trigger})")]
    private partial void LogStarted(string job, string runId, string trigger);

    [LoggerMessage(LogLevel.Information, "Job {Job} run {RunId} enqueued {PortfolioCount} portfolios in {Seconds:F1} s")]
    private partial void LogEnqueued(string job, string runId, int portfolioCount, double seconds);

    [LoggerMessage(LogLevel.Error, "Job {Job} run {RunId} failed while enqueuing")]
    private partial void LogEnqueueFailed(Exception exception, string job, string runId);

    [LoggerMessage(LogLevel.Information, "Job {Job} run {RunId}: portfolio {PortfolioId} was done already; nothing to do")]
    private partial void LogAlreadyDone(string job, string runId, string portfolioId);

    [LoggerMessage(LogLevel.Error, "Job {Job} run {RunId}: portfolio {PortfolioId} failed on attempt {Attempt} and {Next}")]
    private partial void LogWorkFailed(Exception exception, string job, string runId, string portfolioId, int attempt, string next);

    [LoggerMessage(LogLevel.Information, "Job {Job} run {RunId} {Outcome}: {Completed} portfolios completed, {Failed} failed, in {Seconds:F1} s")]
    private partial void LogFinished(string job, string runId, string outcome, int completed, int failed, double seconds);

    [LoggerMessage(LogLevel.Information, "Job {Job} ({Trigger}) skipped: {Reason}")]
    private partial void LogSkipped(string job, string trigger, string reason);

    [LoggerMessage(LogLevel.Warning, "Lost the job lease ({Reason}); stopping the run")]
    private partial void LogLeaseLost(string reason);
}
