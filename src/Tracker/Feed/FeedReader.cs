using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Feed;

/// <summary>
/// A matching row and where it stands: the plan's query, the continuation token of its page, its index in the page,
/// the token of the page after it, whether it is its page's last row, and whether nothing at all comes after it.
/// </summary>
public sealed record RowAt(object?[] Row, int Query, string? Page, int Index, string? NextPage = null, bool PageEnd = false, bool Last = false)
{
    /// <summary>Where to resume after this row: past a finished page straight to the next one, never re-reading it.</summary>
    public SkipState ResumeAfter(string fingerprint, long emitted) => PageEnd
        ? NextPage is null ? new SkipState(fingerprint, Query + 1, null, -1, emitted, null) : new SkipState(fingerprint, Query, NextPage, -1, emitted, null)
        : new SkipState(fingerprint, Query, Page, Index, emitted, null);
}

/// <summary>
/// Runs a plan: each key-range query in turn, page by page (1,000 rows), keeping the rows the whole $filter matches
/// and the caller's key may see. It can resume after any row, which is what a $skiptoken records.
/// </summary>
public sealed class FeedReader(FeedReadAhead readAhead)
{
    public const int StoragePage = 1000;

    /// <param name="take">how many matching rows the caller will take at most: no storage page is fetched ahead
    /// once the rows at hand could be enough (a feed page ends on a storage page's end, and a page fetched for nothing
    /// would cost storage as much as one that is written; docs/performance.md, the feed).</param>
    /// <param name="continues">whether the caller will ask for the rows after those it takes (a feed page that ends
    /// with a next link): the storage page that follows is then fetched ahead for that request
    /// (<see cref="FeedReadAhead"/>).</param>
    public async IAsyncEnumerable<RowAt> ScanAsync(FeedQuery query, FeedPlan plan, IReadOnlySet<string>? scope, SkipState? from,
        long take, bool continues, [EnumeratorCancellation] CancellationToken ct)
    {
        var set = query.Set;
        var filter = query.Filter?.Expression;
        if (set.InMemory is { } source)
        {
            var all = source().ToList();
            for (var index = (from?.I ?? -1) + 1; index < all.Count; index++)
            {
                if (filter is null || FilterSupport.Matches(filter, set, all[index]))
                {
                    yield return new RowAt(all[index], 0, null, index, Last: index == all.Count - 1);
                }
            }
            yield break;
        }
        var store = set.Source!;
        var portfolioColumn = set.ScopeColumn;
        var yielded = 0L;
        for (var q = from?.Q ?? 0; q < plan.Filters.Count; q++)
        {
            var token = q == from?.Q ? from.T : null;
            var start = q == from?.Q ? from.I + 1 : 0;
            var storageFilter = plan.Filters[q].Length == 0 ? null : plan.Filters[q];
            var lastQuery = q == plan.Filters.Count - 1;
            Task<Page<TableEntity>>? next = PageAsync(store, storageFilter, plan.Columns, token, ct);
            try
            {
                while (next is not null)
                {
                    var page = await next;
                    next = null;
                    var count = page.Values.Count;
                    if (page.ContinuationToken is { } following)
                    {
                        if (yielded + (count - start) < take)
                        {
                            // Ask storage for the next page now, so it answers while this one is filtered and written.
                            next = PageAsync(store, storageFilter, plan.Columns, following, ct);
                        }
                        else if (continues)
                        {
                            // This page may complete the feed page: the next page is for the client's next request.
                            readAhead.Start(store, storageFilter, plan.Columns, following);
                        }
                    }
                    for (var i = start; i < count; i++)
                    {
                        var row = set.ToRow(page.Values[i]);
                        if (scope is not null && (portfolioColumn < 0 || row[portfolioColumn] is not string p || !scope.Contains(p)))
                        {
                            continue;
                        }
                        if (filter is null || FilterSupport.Matches(filter, set, row))
                        {
                            var end = i == count - 1;
                            yielded++;
                            yield return new RowAt(row, q, token, i, page.ContinuationToken, end, end && lastQuery && page.ContinuationToken is null);
                        }
                    }
                    start = 0;
                    token = page.ContinuationToken;
                    if (next is null && token is not null && yielded < take)
                    {
                        next = PageAsync(store, storageFilter, plan.Columns, token, ct); // rows were left out by the filter
                    }
                }
            }
            finally
            {
                if (next is not null)
                {
                    // The reader stopped early (a full feed page): let the pending fetch finish before leaving.
                    try
                    {
                        await next;
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                    }
                }
            }
        }
    }

    /// <summary>The page at <paramref name="token"/>: the one read ahead for this request if there is one, else from storage.</summary>
    private async Task<Page<TableEntity>> PageAsync(IFeedSource store, string? filter, IReadOnlyList<string>? columns, string? token, CancellationToken ct)
    {
        if (token is not null && readAhead.Take(store, filter, columns, token) is { } ahead)
        {
            try
            {
                return await ahead;
            }
            catch (Exception e) when (e is not OutOfMemoryException && !ct.IsCancellationRequested)
            {
                // It failed or timed out in the background: read it now, and let this request see any failure.
            }
        }
        return await FeedReadAhead.FetchAsync(store, filter, columns, token, ct);
    }
}

/// <summary>
/// What a $skiptoken carries: the query it belongs to (fingerprint), where to resume (query, page token, index), how
/// many rows were written before, and for sorted results the offset.
/// </summary>
public sealed record SkipState(string F, int Q, string? T, int I, long E, long? O)
{
    /// <summary>Signed with the token key: a client can neither alter where a page resumes nor forge a query.</summary>
    public string Encode(byte[] key) => Common.SignedToken.Wrap(key, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(this));

    public static SkipState Decode(string token, string fingerprint, byte[] key)
    {
        SkipState? state = null;
        try
        {
            state = Common.SignedToken.Unwrap(key, token) is { } payload ? System.Text.Json.JsonSerializer.Deserialize<SkipState>(payload) : null;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        if (state is null || state.F != fingerprint || state.Q < 0 || state.I < -1 || state.E < 0)
        {
            throw Api.Problems.BadRequest("$skiptoken is not one this feed returned for this query.");
        }
        return state;
    }
}
