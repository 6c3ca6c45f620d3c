using System.ComponentModel.DataAnnotations;

namespace Tracker.Jobs;

/// <summary>
/// How work items are taken off the job queues (section <c>Jobs:Queues</c>). The server's consumer uses these; the
/// Functions host reads the same values from host.json (<c>extensions.queues</c>), and a test keeps the two equal.
/// </summary>
public sealed class JobQueueOptions
{
    public const string Section = "Jobs:Queues";

    /// <summary>Messages a consumer takes at once and works on in parallel (host.json <c>batchSize</c>).</summary>
    [Range(1, 32)]
    public int BatchSize { get; set; } = 4;

    /// <summary>Attempts before a message moves to the poison queue (host.json <c>maxDequeueCount</c>).</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a failed message stays invisible before its next attempt (host.json <c>visibilityTimeout</c>).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a message being worked on stays invisible; renewed at half of it while the work goes on.</summary>
    public TimeSpan InFlightVisibility { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest wait between two polls of an empty queue (host.json <c>maxPollingInterval</c>).</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether the self-hosted server consumes the queues (off in tests that drain the queues themselves).</summary>
    public bool ConsumerEnabled { get; set; } = true;
}
