using System.Globalization;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Jobs;

public enum JobOutcome
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>One run of a job on the wire.</summary>
public sealed record JobRun(
    string Job, string Id, string Trigger, DateTimeOffset? ScheduledFor, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    JobOutcome Outcome, JobCounts Counts, string? Error, string Instance);

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

    /// <summary>Digests whose earlier claim was never confirmed sent, sent again with the same Message-ID.</summary>
    public int Resent { get; set; }

    public string? Error { get; set; }

    public string Instance { get; set; } = "";

    public JobRun ToApi() => new(
        PartitionKey, RunId, Trigger, ScheduledFor, StartedAt, FinishedAt,
        Common.TrackerJson.Parse<JobOutcome>(Outcome) ?? JobOutcome.Failed, new JobCounts(Portfolios, Days, Snapshots, Sent, Failed, Resent), Error, Instance);
}
