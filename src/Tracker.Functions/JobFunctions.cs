using Microsoft.Azure.Functions.Worker;
using Tracker.Digests;
using Tracker.Jobs;
using Tracker.Metrics;

namespace Tracker.Functions;

/// <summary>One timer function per job of <see cref="Api.JobTable.All"/>, on the same schedule setting the server uses.</summary>
public sealed class JobFunctions(JobRunner runner, ComputeMetricsJob computeMetrics, SendDigestsJob sendDigests)
{
    [Function(SendDigestsJob.JobName)]
    public Task SendDigests([TimerTrigger("%DigestSchedule%")] TimerInfo timer, CancellationToken ct) => runner.RunAsync(sendDigests, "timer", null, ct);

    [Function(ComputeMetricsJob.JobName)]
    public Task ComputeMetrics([TimerTrigger("%MetricsSchedule%")] TimerInfo timer, CancellationToken ct) => runner.RunAsync(computeMetrics, "timer", null, ct);
}
