using Microsoft.Azure.Functions.Worker;
using Tracker.Jobs;
using Tracker.Metrics;

namespace Tracker.Functions;

/// <summary>One timer function per job of <see cref="Hosting.RouteTable.Jobs"/>, on the same schedule setting the server uses.</summary>
public sealed class JobFunctions(JobRunner runner, ComputeMetricsJob computeMetrics)
{
    [Function(ComputeMetricsJob.JobName)]
    public Task ComputeMetrics([TimerTrigger("%MetricsSchedule%")] TimerInfo timer, CancellationToken ct) => runner.RunAsync(computeMetrics, "timer", null, ct);
}
