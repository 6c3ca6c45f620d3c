
namespace Tracker.Jobs;

/// <summary>What a run did, in numbers; recorded in JobRuns and shown by GET /api/jobs.</summary>
public sealed record JobCounts(int Portfolios, int Days, int Snapshots, int Sent = 0, int Failed = 0, int Resent = 0)
{
    public static readonly JobCounts None = new(0, 0, 0);
}

/// <summary>
/// A timer job. Both hosts run it through <see cref="JobRunner"/>: the Functions host from a TimerTrigger on
/// <see cref="ScheduleSetting"/>, the server from its scheduler on the same NCRONTAB setting.
/// </summary>
public interface IJob
{
    string Name { get; }

    /// <summary>The app setting that holds the NCRONTAB schedule (the Functions <c>%...%</c> name).</summary>
    string ScheduleSetting { get; }

    string DefaultSchedule { get; }

    /// <param name="progress">told each portfolio id when it is done, so a run can be watched (or stopped) part way.</param>
    Task<JobCounts> RunAsync(IProgress<string>? progress, CancellationToken ct);
}
