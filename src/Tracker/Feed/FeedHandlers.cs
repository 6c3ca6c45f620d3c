using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using Tracker.Api;

namespace Tracker.Feed;

/// <summary>
/// The Power BI feed (OData v4, read-only): service document, CSDL XML metadata, and the entity sets, streamed in
/// pages of 5,000 rows with <c>@odata.nextLink</c>. Everything that can fail on bad input is checked before the
/// first byte is written, so bad queries are ProblemDetails 400s and storage outages 503s.
/// </summary>
public sealed partial class FeedHandlers(
    FeedModel model, FeedPlanner planner, FeedReader reader, PublicBaseUrl baseUrl, ILogger<FeedHandlers> logger)
{
    public const int PageSize = 5000;

    /// <summary>Sorting other than storage order holds the matching rows in memory; beyond this many, narrow the filter.</summary>
    public const int MaxSortedRows = 100_000;

    public Task<ApiResponse> ServiceDocument(Call call) => Task.FromResult(Streamed(async context =>
        {
            var writer = new ODataMessageWriter(new ODataResponse(context.Response), Settings(ServiceRoot(call.Request)), model.Model);
            await writer.WriteServiceDocumentAsync(model.Model.GenerateServiceDocument());
            await writer.DisposeAsync();
        }));

    public Task<ApiResponse> Metadata(Call call) => Task.FromResult(Streamed(async context =>
        {
            var writer = new ODataMessageWriter(new ODataResponse(context.Response), Settings(ServiceRoot(call.Request)), model.Model);
            await writer.WriteMetadataDocumentAsync();
            await writer.DisposeAsync();
        }));

    /// <summary>
    /// <c>/odata/{set}/$count</c>: how many rows match <c>$filter</c> (and <c>$skip</c>/<c>$top</c> when given), as a plain
    /// number — what Power BI folds <c>Table.RowCount</c> into. <c>$select</c> and <c>$orderby</c> don't change a count.
    /// </summary>
    public async Task<ApiResponse> Count(Call call)
    {
        var entitySet = call.Route("entitySet");
        var query = FeedQuery.Parse(model, FindSet(entitySet), ServiceRoot(call.Request), call.Request.Query);
        if (query.SkipToken is not null || query.Count)
        {
            throw Problems.BadRequest("$skiptoken and $count don't apply to /$count, which is a count already.");
        }
        var plan = await planner.PlanAsync(query, call.Caller.Portfolios, call.Aborted);
        var matching = await CountAsync(query, plan, call.Caller.Portfolios, call.Aborted);
        var count = Math.Min(Math.Max(0, matching - (query.Skip ?? 0)), query.Top ?? long.MaxValue);
        return new ApiResponse(200, System.Text.Encoding.UTF8.GetBytes(count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            "text/plain; charset=utf-8")
        { Headers = ODataVersionHeader };
    }

    public async Task<ApiResponse> EntitySet(Call call)
    {
        var entitySet = call.Route("entitySet");
        var set = FindSet(entitySet);
        var root = ServiceRoot(call.Request);
        var query = FeedQuery.Parse(model, set, root, call.Request.Query);
        var key = await call.TokenKeyAsync();
        var state = query.SkipToken is null ? null : SkipState.Decode(query.SkipToken, query.Fingerprint, key);
        var plan = await planner.PlanAsync(query, call.Caller.Portfolios, call.Aborted);
        long? count = query.Count ? await CountAsync(query, plan, call.Caller.Portfolios, call.Aborted) : null;
        var emitted = state?.E ?? 0;
        var remaining = query.Top is { } top ? Math.Max(0, top - emitted) : long.MaxValue;

        if (query.OrderBy is not null)
        {
            var sorted = await SortedAsync(query, plan, call.Caller.Portfolios, call.Aborted);
            var offset = state?.O ?? query.Skip ?? 0;
            var page = sorted.Skip((int)Math.Min(offset, int.MaxValue)).Take((int)Math.Min(PageSize, remaining)).ToList();
            var more = offset + page.Count < sorted.Count && remaining > page.Count;
            var next = more ? NextLink(root, query, new SkipState(query.Fingerprint, 0, null, -1, emitted + page.Count, offset + page.Count), key) : null;
            return Streamed(context => WriteAsync(context, query, root, count, Rows(page), next, null, emitted, key));
        }

        // Resume where the token says, or start and skip $skip matching rows; the first storage call happens
        // here, before any byte is written, so an outage is still a clean 503.
        var take = (state is null ? query.Skip ?? 0 : 0) + Math.Min(PageSize, remaining);
        var rows = reader.ScanAsync(query, plan, call.Caller.Portfolios, state, take, remaining > PageSize, call.Aborted).GetAsyncEnumerator(call.Aborted);
        var hasRow = await rows.MoveNextAsync();
        for (var skipped = 0L; state is null && hasRow && skipped < (query.Skip ?? 0); skipped++)
        {
            hasRow = await rows.MoveNextAsync();
        }
        return Streamed(context => WriteAsync(context, query, root, count, Rest(rows, hasRow, remaining), null, rows, emitted, key));
    }

    private async Task WriteAsync(HttpContext context, FeedQuery query, Uri root, long? count, IAsyncEnumerable<RowAt> rows, Uri? nextLink,
        IAsyncEnumerator<RowAt>? source, long emitted, byte[] key)
    {
        // The rows are written synchronously into the writer's buffer, which goes to the response every 500 rows.
        context.Response.ContentType = FeedJsonWriter.ContentType;
        var writer = new FeedJsonWriter(context.Response.Body, query.Set, query.Columns());
        try
        {
            writer.WriteStart(FeedJsonWriter.ContextUrl(root, query), count);
            var written = 0;
            RowAt? last = null;
            await foreach (var row in rows)
            {
                writer.WriteRow(row.Row);
                last = row;
                if (++written % 500 == 0)
                {
                    await FlushAsync(writer, context);
                }
            }
            if (nextLink is null && source is not null && last is not null && written == PageSize && !last.Last
                && (query.Top is null || emitted + written < query.Top))
            {
                // More rows may match: the next page resumes right after the last one written. (When storage has a
                // further page that holds no match, that next page is empty and ends the feed.)
                nextLink = NextLink(root, query, last.ResumeAfter(query.Fingerprint, emitted + written), key);
            }
            writer.WriteEnd(nextLink);
            await FlushAsync(writer, context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The status line is gone: all that is left is to log and let the client see a cut-off body.
            LogStreamFailed(e, query.Set.Name);
            throw;
        }
        finally
        {
            if (source is not null)
            {
                await source.DisposeAsync();
            }
            await writer.DisposeAsync();
        }
    }

    /// <summary>Moves what the writer has buffered to the response (and through it to the client).</summary>
    private static async Task FlushAsync(FeedJsonWriter writer, HttpContext context)
    {
        await writer.FlushAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>At most one page (and no more than $top leaves) of the primed enumerator.</summary>
    private static async IAsyncEnumerable<RowAt> Rest(IAsyncEnumerator<RowAt> rows, bool hasRow, long remaining)
    {
        var take = Math.Min(PageSize, remaining);
        for (var n = 0L; hasRow && n < take; n++)
        {
            yield return rows.Current;
            if (n + 1 < take)
            {
                hasRow = await rows.MoveNextAsync();
            }
        }
    }

    private static async IAsyncEnumerable<RowAt> Rows(IEnumerable<object?[]> rows)
    {
        foreach (var row in rows)
        {
            yield return new RowAt(row, 0, null, 0);
        }
        await Task.CompletedTask;
    }

    private async Task<long> CountAsync(FeedQuery query, FeedPlan plan, IReadOnlySet<string>? scope, CancellationToken ct)
    {
        var count = 0L;
        await foreach (var _ in reader.ScanAsync(query, plan, scope, null, long.MaxValue, false, ct))
        {
            count++;
        }
        return count;
    }

    private async Task<List<object?[]>> SortedAsync(FeedQuery query, FeedPlan plan, IReadOnlySet<string>? scope, CancellationToken ct)
    {
        var rows = new List<object?[]>();
        await foreach (var row in reader.ScanAsync(query, plan, scope, null, long.MaxValue, false, ct))
        {
            rows.Add(row.Row);
            if (rows.Count > MaxSortedRows)
            {
                throw Problems.BadRequest($"$orderby sorts in memory and more than {MaxSortedRows:N0} rows match; narrow $filter, or leave out $orderby (rows come in key order).");
            }
        }
        var keys = new List<(int Index, bool Descending)>();
        for (var o = query.OrderBy; o is not null; o = o.ThenBy)
        {
            keys.Add((query.Set.IndexOf(((SingleValuePropertyAccessNode)o.Expression).Property.Name), o.Direction == OrderByDirection.Descending));
        }
        rows.Sort((a, b) =>
        {
            foreach (var (index, descending) in keys)
            {
                var order = (a[index], b[index]) switch
                {
                    (null, null) => 0,
                    (null, _) => -1,
                    (_, null) => 1,
                    var (x, y) => FilterSupport.Compare(x, y),
                };
                if (order != 0)
                {
                    return descending ? -order : order;
                }
            }
            return 0;
        });
        return rows;
    }

    private static readonly KeyValuePair<string, string>[] ODataVersionHeader = [new("OData-Version", "4.0")];

    private FeedSet FindSet(string entitySet) => model.Find(entitySet) ?? throw Problems.NotFound(
        $"There is no entity set '{entitySet}'. Sets: {string.Join(", ", model.Sets.Select(s => s.Name))}.");

    private Uri ServiceRoot(HttpRequest request) => new($"{baseUrl.For(request)}/{Routes.Prefix}/{Routes.Feed}/");

    /// <summary>The same query with a new $skiptoken. The API key (<c>code</c>) is never echoed: Power BI adds it itself.</summary>
    private static Uri NextLink(Uri root, FeedQuery query, SkipState state, byte[] key)
    {
        var options = query.Options.Where(o => o.Key != "$skiptoken").Select(o => o.Key + "=" + Uri.EscapeDataString(o.Value))
            .Append("$skiptoken=" + Uri.EscapeDataString(state.Encode(key)));
        return new Uri(root, query.Set.Name + "?" + string.Join("&", options));
    }

    private static ODataMessageWriterSettings Settings(Uri root) => new()
    {
        BaseUri = root,
        ODataUri = new ODataUri { ServiceRoot = root },
        Version = ODataVersion.V4,
        EnableMessageStreamDisposal = false,
        Validations = ValidationKinds.None,
    };

    /// <summary>A streamed answer; the writer sets its content type (ODL picks its format from a Content-Type already set).</summary>
    private static ApiResponse Streamed(Func<HttpContext, Task> write) => new(200, [], "application/json") { Stream = write, Headers = ODataVersionHeader };

    [LoggerMessage(LogLevel.Error, "Streaming {EntitySet} failed after the response started")]
    private partial void LogStreamFailed(Exception exception, string entitySet);
}
