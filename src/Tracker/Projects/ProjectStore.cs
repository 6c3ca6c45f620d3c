using Azure;
using Azure.Data.Tables;
using Tracker.Hosting;
using Tracker.Storage;

namespace Tracker.Projects;

/// <summary>Projects are partitioned by portfolio: reads are point reads or a scan of one portfolio's partition.</summary>
public sealed class ProjectStore(TrackerTables tables)
{
    private TableClient Table => tables.Projects;

    public async Task<ProjectEntity?> FindAsync(string portfolioId, string projectId, CancellationToken ct)
    {
        if (!Ids.IsValid(portfolioId) || !Ids.IsValid(projectId))
        {
            return null;
        }
        var found = await Table.GetEntityIfExistsAsync<ProjectEntity>(portfolioId, projectId, cancellationToken: ct);
        return found.HasValue ? found.Value : null;
    }

    public async Task<ProjectEntity> GetAsync(string portfolioId, string projectId, CancellationToken ct) =>
        await FindAsync(portfolioId, projectId, ct)
        ?? throw Problems.NotFound($"Project '{projectId}' does not exist in portfolio '{portfolioId}'.");

    public async Task<ProjectEntity> AddAsync(ProjectEntity entity, CancellationToken ct)
    {
        try
        {
            var response = await Table.AddEntityAsync(entity, ct);
            entity.ETag = response.Headers.ETag ?? default;
            return entity;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // A retry of the request that created it (same Idempotency-Key) gets what it created.
            if (entity.RequestId is not null && await FindAsync(entity.PartitionKey, entity.RowKey, ct) is { } existing && existing.RequestId == entity.RequestId)
            {
                return existing;
            }
            throw Problems.Conflict($"Project '{entity.RowKey}' already exists in portfolio '{entity.PartitionKey}'.");
        }
    }

    /// <summary>Replaces the row if its ETag still matches; a stale ETag is a 412 and nothing is written.</summary>
    public async Task<ProjectEntity> ReplaceAsync(ProjectEntity entity, ETag ifMatch, CancellationToken ct)
    {
        try
        {
            var response = await Table.UpdateEntityAsync(entity, ifMatch, TableUpdateMode.Replace, ct);
            entity.ETag = response.Headers.ETag ?? default;
            return entity;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw Problems.PreconditionFailed($"Project '{entity.RowKey}' changed since it was read (stale ETag); nothing was written.");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw Problems.NotFound($"Project '{entity.RowKey}' does not exist in portfolio '{entity.PartitionKey}'.");
        }
    }

    public async Task DeleteAsync(string portfolioId, string projectId, ETag ifMatch, CancellationToken ct)
    {
        try
        {
            await Table.DeleteEntityAsync(portfolioId, projectId, ifMatch, ct);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw Problems.PreconditionFailed($"Project '{projectId}' changed since it was read (stale ETag); nothing was deleted.");
        }
    }

    /// <summary>Every project of a portfolio, in id order.</summary>
    public async Task<List<ProjectEntity>> AllAsync(string portfolioId, CancellationToken ct)
    {
        var all = new List<ProjectEntity>();
        await foreach (var project in Table.QueryAsync<ProjectEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {portfolioId}"), 1000, cancellationToken: ct))
        {
            all.Add(project);
        }
        return all;
    }

    /// <summary>
    /// Writes many projects of one portfolio in entity group transactions of up to 100: new ones inserted, existing
    /// ones replaced with their ETag. A transaction that meets a concurrent change fails whole (412/409), and the
    /// caller re-plans those rows.
    /// </summary>
    public async Task SubmitAsync(string portfolioId, IReadOnlyList<(ProjectEntity Entity, bool IsNew)> writes, CancellationToken ct)
    {
        foreach (var chunk in writes.Chunk(100))
        {
            var actions = chunk.Select(w => w.IsNew
                ? new TableTransactionAction(TableTransactionActionType.Add, w.Entity)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, w.Entity, w.Entity.ETag)).ToList();
            try
            {
                await Table.SubmitTransactionAsync(actions, ct);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                throw Problems.PreconditionFailed($"A project of portfolio '{portfolioId}' changed while the import was written; retry the import.");
            }
        }
    }

    /// <summary>Replaces up to 100 projects of one portfolio in one transaction, each with its ETag; false when one changed meanwhile.</summary>
    public async Task<bool> TryReplaceManyAsync(string portfolioId, IReadOnlyList<ProjectEntity> entities, CancellationToken ct)
    {
        try
        {
            await Table.SubmitTransactionAsync(entities.Select(e => new TableTransactionAction(TableTransactionActionType.UpdateReplace, e, e.ETag)), ct);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<bool> AnyAsync(string portfolioId, CancellationToken ct) =>
        await Table.FirstOrDefaultAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {portfolioId}"), ct, ["RowKey"]) is not null;

    /// <summary>
    /// A page of one portfolio's projects, filtered in storage by status, category and priority. Table Storage may
    /// answer a filtered query with short pages; this keeps reading until the page is full or the partition ends.
    /// </summary>
    public async Task<(IReadOnlyList<ProjectEntity> Items, string? Token)> ListAsync(
        string portfolioId, ProjectStatus? status, Category? category, Priority? priority, int limit, string? token, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {portfolioId}");
        if (status is { } s)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {TrackerJson.Name(s)}");
        }
        if (category is { } c)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Category eq {TrackerJson.Name(c)}");
        }
        if (priority is { } p)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Priority eq {TrackerJson.Name(p)}");
        }
        var items = new List<ProjectEntity>(limit);
        do
        {
            var want = limit - items.Count;
            string? next = null;
            await foreach (var page in Table.QueryAsync<ProjectEntity>(filter, want, cancellationToken: ct).AsPages(token, want))
            {
                items.AddRange(page.Values);
                next = page.ContinuationToken;
                break;
            }
            token = next;
        }
        while (token is not null && items.Count < limit);
        return (items, token);
    }
}
