
namespace Tracker.Jobs;

/// <summary>What a run did, in numbers; recorded in JobRuns and shown by GET /api/jobs.</summary>
public sealed record JobCounts(int Portfolios, int Days, int Snapshots, int Sent = 0, int Failed = 0, int Resent = 0, int Histories = 0)
{
    public static readonly JobCounts None = new(0, 0, 0);

    public JobCounts Add(JobCounts other) =>
        new(Portfolios + other.Portfolios, Days + other.Days, Snapshots + other.Snapshots, Sent + other.Sent, Failed + other.Failed, Resent + other.Resent,
            Histories + other.Histories);
}

/// <summary>
/// A daily job, fanned out per portfolio. A run (from a TimerTrigger on <see cref="ScheduleSetting"/> in the Functions
/// host, from the server's scheduler on the same NCRONTAB setting, or by hand) asks the job for its
/// <see cref="PlanAsync">plan</see> and puts one message per portfolio on <see cref="Queue"/>; whoever takes a
/// message off the queue (a QueueTrigger function, or the server's consumer) calls <see cref="ProcessAsync"/>.
/// Processing must be idempotent: a queue delivers at least once.
/// </summary>
public interface IJob
{
    string Name { get; }

    /// <summary>The app setting that holds the NCRONTAB schedule (the Functions <c>%...%</c> name).</summary>
    string ScheduleSetting { get; }

    string DefaultSchedule { get; }

    /// <summary>The storage queue of the job's work items (its poison queue adds <c>-poison</c>).</summary>
    string Queue { get; }

    /// <summary>The portfolios due now, with the days due for each.</summary>
    IAsyncEnumerable<PlannedWork> PlanAsync(CancellationToken ct);

    /// <summary>Does one portfolio's work; what it did, for the run's history (Portfolios = 1).</summary>
    Task<JobCounts> ProcessAsync(PortfolioWork work, CancellationToken ct);
}
