using System.Text.Json;
using Tracker.Common;

namespace Tracker.Jobs;

/// <summary>
/// One queue message: one portfolio's share of one run of a job. The timer (or a manual run) enqueues one per
/// portfolio; a queue-triggered function, or the server's <see cref="JobQueueConsumer"/>, processes it.
/// </summary>
/// <param name="Days">the days the run found due (ComputeMetrics); empty for jobs that work on "now" (SendDigests).</param>
public sealed record PortfolioWork(string Job, string RunId, string PortfolioId, IReadOnlyList<DateOnly> Days, DateTimeOffset EnqueuedAt)
{
    public BinaryData ToMessage() => BinaryData.FromObjectAsJson(this, TrackerJson.Options);

    /// <summary>The message's work, or null when it is not one (such a message goes straight to the poison queue).</summary>
    public static PortfolioWork? Parse(BinaryData body)
    {
        try
        {
            var work = body.ToObjectFromJson<PortfolioWork>(TrackerJson.Options);
            return work is { Job.Length: > 0, RunId.Length: > 0, PortfolioId.Length: > 0 } ? work with { Days = work.Days ?? [] } : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>What a job's plan says about one portfolio: it is due, for these days (none for a job without days).</summary>
public sealed record PlannedWork(string PortfolioId, IReadOnlyList<DateOnly> Days);
