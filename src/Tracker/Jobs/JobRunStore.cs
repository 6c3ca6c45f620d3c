using System.Globalization;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Jobs;

/// <summary>The JobRuns table: PartitionKey the job name, RowKey inverted start ticks and the run id (newest first).</summary>
public sealed class JobRunStore(TrackerTables tables) : TableStore<JobRunEntity>(tables, Name)
{
    public const string Name = "JobRuns";

    public static string Partition(string job) => job;

    public static string RowKey(DateTimeOffset startedAt, string runId) =>
        (DateTimeOffset.MaxValue.UtcTicks - startedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "_" + runId;

    public async Task AddAsync(JobRunEntity run, CancellationToken ct)
    {
        if (!await TryAddAsync(run, ct))
        {
            throw new AlreadyExistsException($"Run '{run.RowKey}' of {run.PartitionKey} already exists.");
        }
    }

    public Task UpdateAsync(JobRunEntity run, CancellationToken ct) => ReplaceAsync(run, Azure.ETag.All, $"Run '{run.RowKey}' of {run.PartitionKey}", ct);

    /// <summary>A run by its id (a scan of the job's runs, newest first: for tests, benchmarks and tools, not for requests).</summary>
    public Task<JobRunEntity?> FindAsync(string job, string runId, CancellationToken ct) =>
        ReadFirstAsync<JobRunEntity>(KeyFilter.Partition(Partition(job)) + " and " + KeyFilter.Column(nameof(JobRunEntity.RunId), "eq", runId), ct);

    /// <summary>The newest runs of a job first.</summary>
    public Task<(IReadOnlyList<JobRunEntity> Items, string? Token)> ListAsync(string job, int limit, string? token, CancellationToken ct) =>
        ReadPageAsync(KeyFilter.Partition(Partition(job)), limit, token, ct);

    /// <summary>Whether a run started at or after this occurrence and did not fail (succeeded, or is under way).</summary>
    public async Task<bool> CoveredAsync(string job, DateTimeOffset occurrence, CancellationToken ct)
    {
        await foreach (var run in ReadEveryAsync<JobRunEntity>(KeyFilter.Partition(Partition(job)), null, ct))
        {
            if (run.StartedAt < occurrence)
            {
                return false;
            }
            if (run.Outcome != Common.TrackerJson.Name(JobOutcome.Failed))
            {
                return true;
            }
        }
        return false;
    }
}
