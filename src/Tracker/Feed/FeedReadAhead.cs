using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Tracker.Storage;

namespace Tracker.Feed;

/// <summary>
/// Storage pages fetched for the feed request that comes next. A feed page (5,000 rows) ends on a storage page's end;
/// when more rows follow, the reader asks storage for the next page right away and keeps it here, so storage works
/// while the client reads the rest of the answer and asks for the next one. That request (its $skiptoken resumes at
/// exactly that page) takes the page from here instead of waiting for it (docs/performance.md, the feed).
/// A few pages at most, each for 30 seconds; one that is never asked for (the client stopped, or its next request
/// went to another instance) costs one storage read.
/// </summary>
public sealed class FeedReadAhead(TimeProvider time)
{
    public const int MaxPages = 8;

    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _pages = new(StringComparer.Ordinal);

    private sealed record Entry(Task<Page<TableEntity>> Page, DateTimeOffset Until);

    /// <summary>Starts fetching the page at <paramref name="token"/>, unless it is being fetched already or too many are.</summary>
    public void Start(IFeedSource store, string? filter, IReadOnlyList<string>? columns, string token)
    {
        var now = time.GetUtcNow();
        foreach (var (key, stale) in _pages.Where(p => p.Value.Until <= now))
        {
            _pages.TryRemove(KeyValuePair.Create(key, stale));
        }
        if (_pages.Count >= MaxPages)
        {
            return;
        }
        var cancel = new CancellationTokenSource(Lifetime);
        var page = FetchAsync(store, filter, columns, token, cancel.Token);
        // Observed here, so that a page nobody takes fails quietly; the request that takes it sees the failure itself.
        _ = page.ContinueWith(
            done =>
            {
                _ = done.Exception;
                cancel.Dispose();
            },
            TaskScheduler.Default);
        _pages.TryAdd(Key(store, filter, columns, token), new Entry(page, now + Lifetime));
    }

    /// <summary>The page at <paramref name="token"/> if it was fetched ahead (it is handed out once), else null.</summary>
    public Task<Page<TableEntity>>? Take(IFeedSource store, string? filter, IReadOnlyList<string>? columns, string token) =>
        _pages.TryRemove(Key(store, filter, columns, token), out var entry) && entry.Until > time.GetUtcNow() ? entry.Page : null;

    /// <summary>One page of the query, from <paramref name="token"/> (null: the first).</summary>
    public static async Task<Page<TableEntity>> FetchAsync(IFeedSource store, string? filter, IReadOnlyList<string>? columns, string? token,
        CancellationToken ct)
    {
        await using var pages = store.ScanAsync(filter, FeedReader.StoragePage, columns, token, ct).GetAsyncEnumerator(ct);
        return await pages.MoveNextAsync() ? pages.Current : Page<TableEntity>.FromValues([], null, null!);
    }

    private static string Key(IFeedSource store, string? filter, IReadOnlyList<string>? columns, string token) =>
        string.Join('\n', store.TableName, filter ?? "", columns is null ? "*" : string.Join(',', columns), token);
}
