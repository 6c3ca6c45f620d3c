namespace Tracker;

/// <summary>The timer jobs both hosts run, with the app setting that holds each schedule; tests check each host against it.</summary>
public static class JobTable
{
    public static readonly IReadOnlyList<(string Name, string ScheduleSetting)> All =
    [
        (Metrics.ComputeMetricsJob.JobName, "MetricsSchedule"),
        (Digests.SendDigestsJob.JobName, "DigestSchedule"),
    ];
}
