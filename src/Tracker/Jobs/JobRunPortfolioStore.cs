using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Jobs;

/// <summary>Where one portfolio's share of a run stands.</summary>
public enum WorkState
{
    /// <summary>On the queue, or being worked on.</summary>
    Enqueued,

    /// <summary>An attempt failed; the message comes back after the retry delay.</summary>
    Retrying,

    Completed,

    /// <summary>Failed on its last attempt: the message is in the poison queue.</summary>
    Failed,
}

/// <summary>One portfolio of one run, as stored: PartitionKey the run id, RowKey the portfolio id.</summary>
public sealed class JobRunPortfolioEntity : TableRow
{
    public string Job { get; set; } = "";

    public string State { get; set; } = "";

    public int Attempts { get; set; }

    public int Days { get; set; }

    public int Snapshots { get; set; }

    public int Sent { get; set; }

    public int Failed { get; set; }

    public int Resent { get; set; }

    public int Histories { get; set; }

    public string? Error { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string Instance { get; set; } = "";

    [IgnoreDataMember]
    public WorkState WorkState => TrackerJson.Parse<WorkState>(State) ?? WorkState.Enqueued;

    [IgnoreDataMember]
    public JobCounts Counts => new(WorkState == WorkState.Completed ? 1 : 0, Days, Snapshots, Sent, Failed, Resent, Histories);
}

/// <summary>
/// The JobRunPortfolios table: per run, one row per portfolio it enqueued, kept up to date by whoever processes the
/// portfolio's message. PartitionKey the run id, RowKey the portfolio id, so one partition read tells a run's state.
/// </summary>
public sealed class JobRunPortfolioStore(TrackerTables tables) : TableStore<JobRunPortfolioEntity>(tables, Name)
{
    public const string Name = "JobRunPortfolios";

    public static string Partition(string runId) => runId;

    public static string RowKey(string portfolioId) => portfolioId;

    /// <summary>Records every planned portfolio of a run as enqueued (before its message is sent).</summary>
    public Task AddEnqueuedAsync(string job, string runId, IEnumerable<string> portfolioIds, DateTimeOffset now, CancellationToken ct) =>
        SubmitBatchesAsync(portfolioIds.Select(id => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new JobRunPortfolioEntity
        {
            PartitionKey = Partition(runId),
            RowKey = RowKey(id),
            Job = job,
            State = TrackerJson.Name(WorkState.Enqueued),
            UpdatedAt = now,
        })), $"Portfolios of run '{runId}'", ct);

    public Task<JobRunPortfolioEntity?> FindAsync(string runId, string portfolioId, CancellationToken ct) =>
        ReadRowAsync(Partition(runId), RowKey(portfolioId), ct);

    /// <summary>
    /// Writes a portfolio's new state. With the ETag of the row as it was read before the work (or none when there was
    /// no row), so that of two deliveries of one message processed at once the first result stands; false when the
    /// row changed meanwhile.
    /// </summary>
    public async Task<bool> TryRecordAsync(JobRunPortfolioEntity item, ETag? readAs, CancellationToken ct)
    {
        if (readAs is { } etag)
        {
            return await TryReplaceAsync(item, etag, ct);
        }
        return await TryAddAsync(item, ct);
    }

    public Task<List<JobRunPortfolioEntity>> ListAsync(string runId, CancellationToken ct) => ReadAllAsync(KeyFilter.Partition(Partition(runId)), ct);
}
