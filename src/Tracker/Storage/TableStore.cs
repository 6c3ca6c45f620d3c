using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace Tracker.Storage;

/// <summary>Something in the storage account the app needs before it serves: created (if missing) on start.</summary>
public interface IStorageResource
{
    Task CreateAsync(CancellationToken ct);
}

/// <summary>A table and the one store that owns it.</summary>
public interface ITableStore : IStorageResource
{
    string TableName { get; }
}

/// <summary>
/// The base of every store: the only code that holds a <see cref="TableClient"/>. It gives the few shapes of access
/// the stores need — point reads, adds, conditional replaces and deletes, one page, every page, the first row and
/// entity group transactions — and turns storage answers into the domain's <see cref="StoreException"/>s. Each store
/// knows its own key layout (as static functions, used by the feed planner, tests and benchmarks too).
/// </summary>
public abstract class TableStore<TEntity> : ITableStore where TEntity : class, ITableEntity
{
    /// <summary>Rows per entity group transaction (Table Storage's limit).</summary>
    public const int BatchSize = 100;

    /// <summary>Rows per page when a store reads every page of a range.</summary>
    protected const int ReadPage = 1000;

    protected TableStore(TrackerTables tables, string tableName)
    {
        TableName = tableName;
        Table = tables.Client(tableName);
    }

    public string TableName { get; }

    protected TableClient Table { get; }

    public async Task CreateAsync(CancellationToken ct) => await Table.CreateIfNotExistsAsync(ct);

    /// <summary>A point read: the row, or null.</summary>
    protected async Task<T?> ReadRowAsync<T>(string partitionKey, string rowKey, CancellationToken ct, IEnumerable<string>? select = null)
        where T : class, ITableEntity
    {
        var found = await Table.GetEntityIfExistsAsync<T>(partitionKey, rowKey, select, ct);
        return found.HasValue ? found.Value : null;
    }

    protected Task<TEntity?> ReadRowAsync(string partitionKey, string rowKey, CancellationToken ct) => ReadRowAsync<TEntity>(partitionKey, rowKey, ct);

    /// <summary>Adds a row and sets its ETag; false when a row with its keys exists already.</summary>
    protected async Task<bool> TryAddAsync(TEntity entity, CancellationToken ct)
    {
        try
        {
            var response = await Table.AddEntityAsync(entity, ct);
            entity.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces a row if its ETag still matches (<see cref="ETag.All"/>: unconditionally), and sets the new ETag.</summary>
    /// <param name="what">the row in words, for the errors: "Portfolio 'p-emea'".</param>
    protected async Task<TEntity> ReplaceAsync(TEntity entity, ETag ifMatch, string what, CancellationToken ct)
    {
        try
        {
            await UpdateAsync(entity, ifMatch, ct);
            return entity;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new ChangedSinceReadException($"{what} changed since it was read (stale ETag); nothing was written.");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new NotFoundException($"{what} does not exist.");
        }
    }

    /// <summary>Replaces a row if its ETag still matches; false when another writer changed or removed it first.</summary>
    protected async Task<bool> TryReplaceAsync(TEntity entity, ETag ifMatch, CancellationToken ct)
    {
        try
        {
            await UpdateAsync(entity, ifMatch, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    private async Task UpdateAsync(TEntity entity, ETag ifMatch, CancellationToken ct)
    {
        var response = await Table.UpdateEntityAsync(entity, ifMatch, TableUpdateMode.Replace, ct);
        entity.ETag = response.Headers.ETag ?? default;
    }

    protected async Task UpsertRowAsync(ITableEntity entity, CancellationToken ct) => await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);

    /// <summary>Deletes a row if its ETag still matches; false when it was not there.</summary>
    protected async Task<bool> DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, string what, CancellationToken ct)
    {
        try
        {
            await Table.DeleteEntityAsync(partitionKey, rowKey, ifMatch, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new ChangedSinceReadException($"{what} changed since it was read (stale ETag); nothing was deleted.");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>One page of at most <paramref name="limit"/> rows, from <paramref name="token"/>, and the token of the next page.</summary>
    protected async Task<(IReadOnlyList<T> Items, string? Token)> ReadPageAsync<T>(string filter, int limit, string? token, CancellationToken ct)
        where T : class, ITableEntity
    {
        await foreach (var page in Table.QueryAsync<T>(filter, limit, cancellationToken: ct).AsPages(token, limit))
        {
            return (page.Values, page.ContinuationToken);
        }
        return ([], null);
    }

    protected Task<(IReadOnlyList<TEntity> Items, string? Token)> ReadPageAsync(string filter, int limit, string? token, CancellationToken ct) =>
        ReadPageAsync<TEntity>(filter, limit, token, ct);

    /// <summary>
    /// A full page: Table Storage may answer a filtered query with short (even empty) pages, so this keeps reading
    /// until <paramref name="limit"/> rows or the end of the range.
    /// </summary>
    protected async Task<(IReadOnlyList<TEntity> Items, string? Token)> ReadFullPageAsync(string filter, int limit, string? token, CancellationToken ct)
    {
        var items = new List<TEntity>(limit);
        do
        {
            var (page, next) = await ReadPageAsync(filter, limit - items.Count, token, ct);
            items.AddRange(page);
            token = next;
        }
        while (token is not null && items.Count < limit);
        return (items, token);
    }

    /// <summary>Every row of a range, page after page, in key order: the one "read every page" loop.</summary>
    protected async IAsyncEnumerable<T> ReadEveryAsync<T>(string filter, IEnumerable<string>? select, [EnumeratorCancellation] CancellationToken ct)
        where T : class, ITableEntity
    {
        await foreach (var row in Table.QueryAsync<T>(filter, ReadPage, select, ct))
        {
            yield return row;
        }
    }

    protected async Task<List<TEntity>> ReadAllAsync(string filter, CancellationToken ct, IEnumerable<string>? select = null)
    {
        var all = new List<TEntity>();
        await foreach (var row in ReadEveryAsync<TEntity>(filter, select, ct))
        {
            all.Add(row);
        }
        return all;
    }

    /// <summary>
    /// The first row in key order, or null. Table Storage may answer a filtered query with empty pages that carry a
    /// continuation, so this follows them until a row or the end.
    /// </summary>
    protected async Task<T?> ReadFirstAsync<T>(string filter, CancellationToken ct, IEnumerable<string>? select = null) where T : class, ITableEntity
    {
        await foreach (var page in Table.QueryAsync<T>(filter, 1, select, ct).AsPages(pageSizeHint: 1))
        {
            if (page.Values.Count > 0)
            {
                return page.Values[0];
            }
            if (page.ContinuationToken is null)
            {
                break;
            }
        }
        return null;
    }

    /// <summary>
    /// Writes actions of one partition in entity group transactions of <see cref="BatchSize"/>. A transaction that
    /// meets a concurrent change (409/412) fails whole: <see cref="ChangedSinceReadException"/> with <paramref name="what"/>.
    /// Each written entity gets its new ETag, so it can be written again conditionally.
    /// </summary>
    protected async Task SubmitBatchesAsync(IEnumerable<TableTransactionAction> actions, string what, CancellationToken ct)
    {
        foreach (var chunk in actions.Chunk(BatchSize))
        {
            try
            {
                var responses = (await Table.SubmitTransactionAsync(chunk, ct)).Value;
                for (var i = 0; i < chunk.Length && i < responses.Count; i++)
                {
                    if (chunk[i].ActionType != TableTransactionActionType.Delete && responses[i].Headers.ETag is { } etag)
                    {
                        chunk[i].Entity.ETag = etag;
                    }
                }
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                throw new ChangedSinceReadException(what);
            }
        }
    }

    /// <summary>Deletes every row of a range, a transaction per <see cref="BatchSize"/> rows (the range must be one partition).</summary>
    protected async Task DeleteEveryAsync(string filter, CancellationToken ct)
    {
        var batch = new List<TableTransactionAction>(BatchSize);
        await foreach (var row in ReadEveryAsync<TableEntity>(filter, ["PartitionKey", "RowKey"], ct))
        {
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
            if (batch.Count == BatchSize)
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

/// <summary>A store whose rows the Power BI feed reads as they are stored: pages of untyped rows of a key range.</summary>
public interface IFeedSource : ITableStore
{
    IAsyncEnumerable<Page<TableEntity>> ScanAsync(string? filter, int pageSize, IEnumerable<string>? columns, string? continuation, CancellationToken ct);
}

/// <summary>The feed's raw scan, shared by the stores it reads.</summary>
public abstract class FeedSourceStore<TEntity>(TrackerTables tables, string tableName) : TableStore<TEntity>(tables, tableName), IFeedSource
    where TEntity : class, ITableEntity
{
    public IAsyncEnumerable<Page<TableEntity>> ScanAsync(string? filter, int pageSize, IEnumerable<string>? columns, string? continuation, CancellationToken ct) =>
        Table.QueryAsync<TableEntity>(filter, pageSize, columns, ct).AsPages(continuation, pageSize);
}
