using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Tracker.Digests;
using Tracker.Jobs;
using Tracker.Metrics;
using Tracker.UpdateRequests;

namespace Tracker.Functions;

/// <summary>
/// Per job of <see cref="JobTable.All"/>: a timer function on the schedule setting the server uses, which only enqueues
/// one message per portfolio, and a queue-triggered function that processes one portfolio per message, on as many
/// instances as the platform scales to. host.json (<c>extensions.queues</c>) sets batch size, retry delay and the
/// attempts before the host moves a message to <c>{queue}-poison</c>. The queue connection is the <c>JobQueue</c>
/// setting: a connection string locally, <c>JobQueue__queueServiceUri</c> with the app's managed identity in Azure.
/// </summary>
public sealed class JobFunctions(
    JobRunner runner, ComputeMetricsJob computeMetrics, SendDigestsJob sendDigests, RequestUpdatesJob requestUpdates, BuildHistoriesJob buildHistories)
{
    public const string QueueConnection = "JobQueue";

    [Function(SendDigestsJob.JobName)]
    public Task SendDigests([TimerTrigger("%DigestSchedule%")] TimerInfo timer, CancellationToken ct) => runner.EnqueueAsync(sendDigests, "timer", null, ct);

    [Function(ComputeMetricsJob.JobName)]
    public Task ComputeMetrics([TimerTrigger("%MetricsSchedule%")] TimerInfo timer, CancellationToken ct) => runner.EnqueueAsync(computeMetrics, "timer", null, ct);

    [Function(RequestUpdatesJob.JobName)]
    public Task RequestUpdates([TimerTrigger("%UpdateRequestSchedule%")] TimerInfo timer, CancellationToken ct) => runner.EnqueueAsync(requestUpdates, "timer", null, ct);

    [Function(BuildHistoriesJob.JobName)]
    public Task BuildHistories([TimerTrigger("%HistorySchedule%")] TimerInfo timer, CancellationToken ct) => runner.EnqueueAsync(buildHistories, "timer", null, ct);

    [Function(BuildHistoriesJob.JobName + "Work")]
    public Task BuildHistoriesWork([QueueTrigger(BuildHistoriesJob.QueueName, Connection = QueueConnection)] QueueMessage message, CancellationToken ct) =>
        ProcessAsync(message, ct);

    [Function(RequestUpdatesJob.JobName + "Work")]
    public Task RequestUpdatesWork([QueueTrigger(RequestUpdatesJob.QueueName, Connection = QueueConnection)] QueueMessage message, CancellationToken ct) =>
        ProcessAsync(message, ct);

    [Function(SendDigestsJob.JobName + "Work")]
    public Task SendDigestsWork([QueueTrigger(SendDigestsJob.QueueName, Connection = QueueConnection)] QueueMessage message, CancellationToken ct) =>
        ProcessAsync(message, ct);

    [Function(ComputeMetricsJob.JobName + "Work")]
    public Task ComputeMetricsWork([QueueTrigger(ComputeMetricsJob.QueueName, Connection = QueueConnection)] QueueMessage message, CancellationToken ct) =>
        ProcessAsync(message, ct);

    /// <summary>A message that is not a work item throws on every attempt, and so ends in the poison queue as any failure does.</summary>
    private Task ProcessAsync(QueueMessage message, CancellationToken ct) =>
        runner.ProcessAsync(PortfolioWork.Parse(message.Body) ?? throw new FormatException($"Message {message.MessageId} is not a work item."), message.DequeueCount, ct);
}
