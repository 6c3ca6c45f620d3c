using Azure.Data.Tables;
using Tracker.Storage;

namespace Tracker.Jobs;

public sealed class JobRunStore(TrackerTables tables)
{
    private TableClient Table => tables.JobRuns;

    public async Task AddAsync(JobRunEntity run, CancellationToken ct)
    {
        var response = await Table.AddEntityAsync(run, ct);
        run.ETag = response.Headers.ETag ?? default;
    }

    public async Task UpdateAsync(JobRunEntity run, CancellationToken ct) =>
        await Table.UpdateEntityAsync(run, Azure.ETag.All, TableUpdateMode.Replace, ct);

    /// <summary>The newest runs of a job first.</summary>
    public async Task<(IReadOnlyList<JobRunEntity> Items, string? Token)> ListAsync(string job, int limit, string? token, CancellationToken ct)
    {
        return await Table.PageAsync<JobRunEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {job}"), limit, token, ct);
    }

    /// <summary>Whether a run started at or after this occurrence and did not fail (succeeded, or is under way).</summary>
    public async Task<bool> CoveredAsync(string job, DateTimeOffset occurrence, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {job}");
        await foreach (var run in Table.QueryAsync<JobRunEntity>(filter, 20, cancellationToken: ct))
        {
            if (run.StartedAt < occurrence)
            {
                return false;
            }
            if (run.Outcome != Hosting.TrackerJson.Name(JobOutcome.Failed))
            {
                return true;
            }
        }
        return false;
    }
}
