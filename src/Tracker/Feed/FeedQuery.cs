using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.OData;
using Microsoft.OData.UriParser;
using Tracker.Api;

namespace Tracker.Feed;

/// <summary>A request to an entity set, parsed and checked by Microsoft's OData URI parser against the model.</summary>
public sealed record FeedQuery(
    FeedSet Set, FilterClause? Filter, SelectExpandClause? Select, OrderByClause? OrderBy, long? Top, long? Skip, bool Count,
    string? SkipToken, string Fingerprint, IReadOnlyDictionary<string, string> Options)
{
    public const long MaxTop = 10_000_000;

    public static readonly string[] Supported = ["$select", "$filter", "$orderby", "$top", "$skip", "$count", "$skiptoken"];

    public static FeedQuery Parse(FeedModel model, FeedSet set, Uri serviceRoot, IQueryCollection query)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in query)
        {
            if (!name.StartsWith('$'))
            {
                continue; // e.g. code=, the API key for Power BI's Web API credential
            }
            if (!Supported.Contains(name))
            {
                throw Problems.BadRequest($"The query option {name} is not supported by this feed; supported: {string.Join(", ", Supported)}.");
            }
            if (values.Count != 1)
            {
                throw Problems.BadRequest($"The query option {name} is given more than once.");
            }
            options[name] = values[0] ?? "";
        }
        var relative = set.Name + (options.Count == 0 ? "" : "?" + string.Join("&", options.Select(o => o.Key + "=" + Uri.EscapeDataString(o.Value))));
        var parser = new ODataUriParser(model.Model, serviceRoot, new Uri(serviceRoot, relative));
        try
        {
            var filter = parser.ParseFilter();
            var select = parser.ParseSelectAndExpand();
            var orderBy = parser.ParseOrderBy();
            var top = parser.ParseTop();
            var skip = parser.ParseSkip();
            var count = parser.ParseCount() ?? false;
            var skipToken = parser.ParseSkipToken();
            if (filter is not null)
            {
                FilterSupport.Validate(filter.Expression);
            }
            if (select is not null && select.SelectedItems.Any(i => i is not PathSelectItem))
            {
                throw Problems.BadRequest("$select takes property names only; $expand and wildcards are not supported by this feed.");
            }
            for (var o = orderBy; o is not null; o = o.ThenBy)
            {
                if (o.Expression is not SingleValuePropertyAccessNode)
                {
                    throw Problems.BadRequest("$orderby takes property names only.");
                }
            }
            if (top is < 0 or > MaxTop)
            {
                throw Problems.BadRequest($"$top must be between 0 and {MaxTop:N0}; the feed pages results itself (5,000 rows a page).");
            }
            if (skip is < 0 or > MaxTop)
            {
                throw Problems.BadRequest($"$skip must be between 0 and {MaxTop:N0}.");
            }
            var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
                set.Name + "\n" + string.Join("\n", options.Where(o => o.Key != "$skiptoken").Select(o => o.Key + "=" + o.Value)))).AsSpan(0, 8));
            return new FeedQuery(
                Set: set,
                Filter: filter,
                Select: select,
                OrderBy: orderBy,
                Top: top,
                Skip: skip,
                Count: count,
                SkipToken: skipToken,
                Fingerprint: fingerprint,
                Options: options);
        }
        catch (ODataException e)
        {
            throw Problems.BadRequest("The query is not valid for this feed: " + e.Message);
        }
        catch (OverflowException)
        {
            throw Problems.BadRequest("A number in the query is too large.");
        }
    }

    /// <summary>The properties to write: those of $select, or all.</summary>
    public IReadOnlyList<int> Columns()
    {
        if (Select is null || Select.AllSelected)
        {
            return [.. Enumerable.Range(0, Set.Properties.Count)];
        }
        return [.. Select.SelectedItems.OfType<PathSelectItem>()
            .Select(i => Set.IndexOf(((PropertySegment)i.SelectedPath.LastSegment).Property.Name)).Distinct().Order()];
    }
}
