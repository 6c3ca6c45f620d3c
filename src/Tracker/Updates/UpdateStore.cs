using Azure;
using Azure.Data.Tables;
using Tracker.Storage;

namespace Tracker.Updates;

/// <summary>The append-only history of each project: one partition per project, newest first.</summary>
public sealed class UpdateStore(TrackerTables tables)
{
    private TableClient Table => tables.Updates;

    /// <summary>Adds an update; an update with the same key already stored (a retried write) counts as added.</summary>
    public async Task AddAsync(UpdateEntity entity, CancellationToken ct)
    {
        try
        {
            await Table.AddEntityAsync(entity, ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
    }

    /// <summary>
    /// Writes many updates of one project in entity group transactions of up to 100. Upserts: an update's row is
    /// determined by its id and times, so writing it again (a retried import) writes the same row.
    /// </summary>
    public async Task AddManyAsync(IReadOnlyList<UpdateEntity> entities, CancellationToken ct)
    {
        foreach (var chunk in entities.Chunk(100))
        {
            await Table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct);
        }
    }

    /// <summary>Every update of a project within [from, to), newest first.</summary>
    public async Task<List<UpdateEntity>> AllAsync(string portfolioId, string projectId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var all = new List<UpdateEntity>();
        string? token = null;
        do
        {
            var (items, next) = await ListAsync(portfolioId, projectId, from, to, 1000, token, ct);
            all.AddRange(items);
            token = next;
        }
        while (token is not null);
        return all;
    }

    /// <summary>The partition's first row: RowKeys are inverted reportedAt ticks, so that is the newest update.</summary>
    public Task<UpdateEntity?> NewestAsync(string portfolioId, string projectId, CancellationToken ct) =>
        Table.FirstOrDefaultAsync<UpdateEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {UpdateEntity.Partition(portfolioId, projectId)}"), ct);

    /// <summary>
    /// A page of history, newest first, of updates reported in [from, to): a RowKey range within the project's
    /// partition, since RowKeys are inverted reportedAt ticks.
    /// </summary>
    public async Task<(IReadOnlyList<UpdateEntity> Items, string? Token)> ListAsync(
        string portfolioId, string projectId, DateTimeOffset? from, DateTimeOffset? to, int limit, string? token, CancellationToken ct)
    {
        var partition = UpdateEntity.Partition(portfolioId, projectId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        if (to is { } end)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey ge {UpdateEntity.KeyBefore(end)}");
        }
        if (from is { } start)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey lt {UpdateEntity.KeyBefore(start)}");
        }
        return await Table.PageAsync<UpdateEntity>(filter, limit, token, ct);
    }

    /// <summary>Deletes a project's whole history, 100 rows per entity group transaction.</summary>
    public async Task DeleteAllAsync(string portfolioId, string projectId, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {UpdateEntity.Partition(portfolioId, projectId)}");
        var batch = new List<TableTransactionAction>(100);
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, 1000, ["PartitionKey", "RowKey"], ct))
        {
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
            if (batch.Count == 100)
            {
                await Table.SubmitTransactionAsync(batch, ct);
                batch.Clear();
            }
        }
        if (batch.Count > 0)
        {
            await Table.SubmitTransactionAsync(batch, ct);
        }
    }
}
