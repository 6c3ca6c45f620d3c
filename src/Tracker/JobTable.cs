namespace Tracker;

/// <summary>
/// The jobs both hosts run, with the app setting that holds each schedule and the queue of its work items; tests check
/// each host against it.
/// </summary>
public static class JobTable
{
    public static readonly IReadOnlyList<(string Name, string ScheduleSetting, string Queue)> All =
    [
        (Metrics.ComputeMetricsJob.JobName, "MetricsSchedule", Metrics.ComputeMetricsJob.QueueName),
        (Digests.SendDigestsJob.JobName, "DigestSchedule", Digests.SendDigestsJob.QueueName),
        (UpdateRequests.RequestUpdatesJob.JobName, "UpdateRequestSchedule", UpdateRequests.RequestUpdatesJob.QueueName),
        (Metrics.BuildHistoriesJob.JobName, "HistorySchedule", Metrics.BuildHistoriesJob.QueueName),
    ];
}
