using Azure.Data.Tables;

namespace Tracker.Storage;

/// <summary>The two query shapes every store uses: one page of a paged list, and the first matching row.</summary>
public static class TableQueries
{
    /// <summary>One page of at most <paramref name="limit"/> rows, from <paramref name="token"/>, and the token of the next page.</summary>
    public static async Task<(IReadOnlyList<T> Items, string? Token)> PageAsync<T>(
        this TableClient table, string filter, int limit, string? token, CancellationToken ct) where T : class, ITableEntity
    {
        await foreach (var page in table.QueryAsync<T>(filter, limit, cancellationToken: ct).AsPages(token, limit))
        {
            return (page.Values, page.ContinuationToken);
        }
        return ([], null);
    }

    /// <summary>
    /// The first row in key order, or null. Table Storage may answer a filtered query with empty pages that carry a
    /// continuation, so this follows them until a row or the end.
    /// </summary>
    public static async Task<T?> FirstOrDefaultAsync<T>(
        this TableClient table, string filter, CancellationToken ct, IEnumerable<string>? select = null) where T : class, ITableEntity
    {
        await foreach (var page in table.QueryAsync<T>(filter, 1, select, ct).AsPages(pageSizeHint: 1))
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
}
