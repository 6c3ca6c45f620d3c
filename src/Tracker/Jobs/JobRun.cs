using System.Runtime.Serialization;
using System.Text.Json.Serialization;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Jobs;

public enum JobOutcome
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>
/// One run of a job on the wire. <see cref="Counts"/> add up the portfolios completed so far; its <see cref="RunProgress"/>
/// says where the enqueued portfolios stand, and <see cref="Failures"/> names each that failed (or is being retried) and why.
/// </summary>
public sealed record JobRun(
    string Job, string Id, string Trigger, DateTimeOffset? ScheduledFor, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    JobOutcome Outcome, JobCounts Counts, RunProgress Portfolios, IReadOnlyList<PortfolioFailure> Failures, string? Error, string Instance);

/// <summary>How many portfolios a run enqueued, and how many of them are pending, completed, being retried or failed for good.</summary>
public sealed record RunProgress(int Enqueued, int Pending, int Completed, int Retrying, int Failed)
{
    public static RunProgress Of(IReadOnlyCollection<JobRunPortfolioEntity> items) => new(
        items.Count,
        items.Count(i => i.WorkState == WorkState.Enqueued),
        items.Count(i => i.WorkState == WorkState.Completed),
        items.Count(i => i.WorkState == WorkState.Retrying),
        items.Count(i => i.WorkState == WorkState.Failed));

    [JsonIgnore]
    public bool Finished => Pending == 0 && Retrying == 0;
}

/// <summary>A portfolio whose work failed: for good (its message is in the poison queue) or so far (retrying).</summary>
public sealed record PortfolioFailure(string PortfolioId, WorkState State, int Attempts, string? Error);

/// <summary>A run as stored: PartitionKey the job name, RowKey inverted start ticks and the run id (newest first).</summary>
public sealed class JobRunEntity : TableRow
{
    public string RunId { get; set; } = "";

    public string Trigger { get; set; } = "";

    public DateTimeOffset? ScheduledFor { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string Outcome { get; set; } = "";

    public int Portfolios { get; set; }

    public int Days { get; set; }

    public int Snapshots { get; set; }

    public int Sent { get; set; }

    public int Failed { get; set; }

    /// <summary>Portfolios put on the queue; set when the last message is sent (null while enqueuing).</summary>
    public int? Enqueued { get; set; }

    public DateTimeOffset? EnqueuedAt { get; set; }

    /// <summary>Portfolios completed and failed for good, once the run has finished.</summary>
    public int Completed { get; set; }

    public int FailedPortfolios { get; set; }

    /// <summary>Digests whose earlier claim was never confirmed sent, sent again with the same Message-ID.</summary>
    public int Resent { get; set; }

    /// <summary>Compact histories built (the backfill) or repaired.</summary>
    public int Histories { get; set; }

    public string? Error { get; set; }

    public string Instance { get; set; } = "";

    [IgnoreDataMember]
    public JobOutcome RunOutcome => TrackerJson.Parse<JobOutcome>(Outcome) ?? JobOutcome.Failed;

    [IgnoreDataMember]
    public JobCounts Counts => new(Portfolios, Days, Snapshots, Sent, Failed, Resent, Histories);

    /// <summary>The run on the wire, with where its portfolios stand and the failures among them.</summary>
    public JobRun ToApi(RunProgress progress, IReadOnlyList<PortfolioFailure> failures) => new(
        Job: PartitionKey,
        Id: RunId,
        Trigger: Trigger,
        ScheduledFor: ScheduledFor,
        StartedAt: StartedAt,
        FinishedAt: FinishedAt,
        Outcome: RunOutcome,
        Counts: Counts,
        Portfolios: progress,
        Failures: failures,
        Error: Error,
        Instance: Instance);
}
