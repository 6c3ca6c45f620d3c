using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracker.Storage;

namespace Tracker.Jobs;

/// <summary>
/// The self-hosted server's queue trigger: takes messages off each job's queue, <see cref="JobQueueOptions.BatchSize"/>
/// at a time, and processes them through <see cref="JobRunner.ProcessAsync"/> as the Functions host would. A message
/// stays invisible while it is worked on (renewed at half of <see cref="JobQueueOptions.InFlightVisibility"/>), is
/// deleted when done, comes back after <see cref="JobQueueOptions.RetryDelay"/> when it failed, and moves to the
/// poison queue after <see cref="JobQueueOptions.MaxDequeueCount"/> attempts. Several servers over one storage
/// account share the work, each message going to one of them at a time. Its waits are on the wall clock, not the
/// injected <see cref="TimeProvider"/>: they pace storage calls and race the queue service's own visibility timeouts.
/// </summary>
public sealed partial class JobQueueConsumer(
    JobRunner runner, JobQueues queues, StorageInitializer storage, IOptions<JobQueueOptions> options, ILogger<JobQueueConsumer> logger)
    : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!storage.IsReady)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        }
        await Task.WhenAll(runner.Jobs.Select(job => LoopAsync(job, stoppingToken)));
    }

    private async Task LoopAsync(IJob job, CancellationToken ct)
    {
        var wait = MinPollingInterval;
        while (!ct.IsCancellationRequested)
        {
            int taken;
            try
            {
                taken = await ProcessBatchAsync(job, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Storage down: log, and poll again later, as with an empty queue.
                LogPollFailed(job.Name, e.GetType().Name + ": " + e.Message);
                taken = 0;
            }
            // As the Functions host does: poll again at once while there is work, back off to the maximum when idle.
            wait = taken > 0 ? MinPollingInterval : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, options.Value.MaxPollingInterval.Ticks));
            if (taken == 0)
            {
                await Task.Delay(wait, ct);
            }
        }
    }

    /// <summary>Takes up to a batch of messages off the job's queue and processes them in parallel; how many it took.</summary>
    public async Task<int> ProcessBatchAsync(IJob job, CancellationToken ct)
    {
        var queue = queues.Queue(job);
        QueueMessage[] messages = await queue.ReceiveMessagesAsync(options.Value.BatchSize, options.Value.InFlightVisibility, ct);
        await Task.WhenAll(messages.Select(m => HandleAsync(job, queue, m, ct)));
        return messages.Length;
    }

    /// <summary>
    /// Processes the job's queue until it is empty — nothing waiting, nothing in flight at another consumer — and tells
    /// how many messages it took: for tests and benchmarks, which play the consumer themselves.
    /// </summary>
    public async Task<int> DrainAsync(IJob job, CancellationToken ct)
    {
        var taken = 0;
        while (true)
        {
            var batch = await ProcessBatchAsync(job, ct);
            taken += batch;
            if (batch == 0)
            {
                if (await queues.CountAsync(queues.Queue(job), ct) == 0)
                {
                    return taken;
                }
                await Task.Delay(MinPollingInterval, ct);
            }
        }
    }

    private async Task HandleAsync(IJob job, QueueClient queue, QueueMessage message, CancellationToken ct)
    {
        var receipt = message.PopReceipt;
        var work = PortfolioWork.Parse(message.Body);
        if (work is null)
        {
            LogUnreadable(job.Name, message.MessageId);
            await MoveToPoisonAsync(job, queue, message, receipt);
            return;
        }
        if (message.DequeueCount > options.Value.MaxDequeueCount)
        {
            // Taken more often than allowed without an answer: the process died while working on it, every time.
            LogGaveUp(job.Name, work.PortfolioId, message.DequeueCount);
            await runner.GiveUpAsync(work, message.DequeueCount, ct);
            await MoveToPoisonAsync(job, queue, message, receipt);
            return;
        }
        using var working = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewal = KeepInvisibleAsync(queue, message, r => receipt = r, working.Token);
        try
        {
            await runner.ProcessAsync(work, message.DequeueCount, ct);
            await working.CancelAsync();
            await renewal;
            await queue.DeleteMessageAsync(message.MessageId, receipt, CancellationToken.None);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // JobRunner has recorded and logged the failure.
            await working.CancelAsync();
            await renewal;
            if (message.DequeueCount >= options.Value.MaxDequeueCount)
            {
                await MoveToPoisonAsync(job, queue, message, receipt);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, receipt, visibilityTimeout: options.Value.RetryDelay, cancellationToken: CancellationToken.None);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the message becomes visible again when its visibility runs out, for another consumer.
            await working.CancelAsync();
            await renewal;
        }
    }

    private async Task KeepInvisibleAsync(QueueClient queue, QueueMessage message, Action<string> receipt, CancellationToken stop)
    {
        var current = message.PopReceipt;
        try
        {
            while (true)
            {
                await Task.Delay(options.Value.InFlightVisibility / 2, stop);
                var updated = await queue.UpdateMessageAsync(message.MessageId, current, visibilityTimeout: options.Value.InFlightVisibility, cancellationToken: stop);
                current = updated.Value.PopReceipt;
                receipt(current);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Azure.RequestFailedException e)
        {
            LogRenewFailed(message.MessageId, e.Status);
        }
    }

    /// <summary>As the Functions host does: the message's content goes to <c>{queue}-poison</c> and leaves the queue.</summary>
    private async Task MoveToPoisonAsync(IJob job, QueueClient queue, QueueMessage message, string receipt)
    {
        await queues.Poison(job).SendMessageAsync(message.Body, cancellationToken: CancellationToken.None);
        await queue.DeleteMessageAsync(message.MessageId, receipt, CancellationToken.None);
        LogPoisoned(job.Name, message.MessageId, message.DequeueCount);
    }

    [LoggerMessage(LogLevel.Warning, "Job {Job}: message {MessageId} moved to the poison queue after {Attempts} attempts")]
    private partial void LogPoisoned(string job, string messageId, long attempts);

    [LoggerMessage(LogLevel.Error, "Job {Job}: message {MessageId} is not a work item; moved to the poison queue")]
    private partial void LogUnreadable(string job, string messageId);

    [LoggerMessage(LogLevel.Error, "Job {Job}: portfolio {PortfolioId} was taken {Attempts} times without an answer; giving up")]
    private partial void LogGaveUp(string job, string portfolioId, long attempts);

    [LoggerMessage(LogLevel.Warning, "Could not keep message {MessageId} invisible (status {Status}); another consumer may take it")]
    private partial void LogRenewFailed(string messageId, int status);

    [LoggerMessage(LogLevel.Warning, "Job {Job}: polling the queue failed ({Reason}); trying again")]
    private partial void LogPollFailed(string job, string reason);
}
