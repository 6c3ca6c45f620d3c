// ODL 8 gives Edm.Date literals as Microsoft.OData.Edm.Date (obsolete only in view of ODL 9).
#pragma warning disable CS0618
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.OData.Edm;
using Tracker.Api;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Storage;

namespace Tracker.Feed;

/// <summary>
/// The storage side of a feed query: the key-range filters to run, in order, and the columns to fetch. Every filter
/// is built with <see cref="TableClient.CreateQueryFilter(FormattableString)"/> from typed bounds; what cannot be
/// pushed down is left to the in-memory evaluation of the whole $filter over the superset these ranges return.
/// </summary>
public sealed record FeedPlan(IReadOnlyList<string> Filters, IReadOnlyList<string>? Columns);

public sealed class FeedPlanner(PortfolioStore portfolios)
{
    public async Task<FeedPlan> PlanAsync(FeedQuery query, IReadOnlySet<string>? scope, CancellationToken ct)
    {
        var set = query.Set;
        if (set.Source is null)
        {
            return new FeedPlan([], null);
        }
        var constraints = FilterSupport.Constraints(query.Filter?.Expression);
        Constraint? Role(KeyRole role) => set.KeyRoles.Where(k => k.Value == role && constraints.ContainsKey(k.Key))
            .Select(k => constraints[k.Key]).Aggregate((Constraint?)null, (a, b) => a is null ? b : a.Intersect(b));
        // The key layout of each table is its store's: the plan is per store.
        var filters = set.Source switch
        {
            PortfolioStore => Portfolios(Scoped(Role(KeyRole.RowKey), scope)),
            ProjectStore => Projects(Scoped(Role(KeyRole.Portfolio), scope), Role(KeyRole.RowKey)),
            UpdateStore => Updates(Scoped(Role(KeyRole.Portfolio), scope), Role(KeyRole.PartitionKey), Role(KeyRole.ReportedAt), Role(KeyRole.ReportedDay)),
            ProjectSnapshotStore => await ProjectSnapshotsAsync(Scoped(Role(KeyRole.Portfolio), scope), Role(KeyRole.Day), Role(KeyRole.RowKey), ct),
            PortfolioSnapshotStore => PortfolioSnapshots(Scoped(Role(KeyRole.PartitionKey), scope), Role(KeyRole.Day)),
            _ => throw new InvalidOperationException("No plan for " + set.Name),
        };
        return new FeedPlan(filters, Columns(query));
    }

    /// <summary>A scoped key may only see its portfolios: the constraint narrows to them.</summary>
    private static Constraint? Scoped(Constraint? constraint, IReadOnlySet<string>? scope)
    {
        if (scope is null)
        {
            return constraint;
        }
        var allowed = new Constraint([.. scope.Order(StringComparer.Ordinal)], null, false, null, false);
        return constraint is null ? allowed : constraint.Intersect(allowed);
    }

    private static List<string> Portfolios(Constraint? id)
    {
        if (id?.Values is { } ids)
        {
            return [.. Distinct(ids).Select(v => PortfolioStore.AllFilter + " and " + TableClient.CreateQueryFilter($"RowKey eq {PortfolioStore.RowKey(v)}"))];
        }
        return [PortfolioStore.AllFilter + Range("RowKey", id)];
    }

    private static List<string> Projects(Constraint? portfolio, Constraint? id)
    {
        if (portfolio?.Values is { } values)
        {
            return [.. Distinct(values).Select(v => ProjectStore.PortfolioFilter(v) + Range("RowKey", id))];
        }
        return [And(Range("PartitionKey", portfolio) + Range("RowKey", id))];
    }

    private static List<string> Updates(Constraint? portfolio, Constraint? projectKey, Constraint? reportedAt, Constraint? reportedDay)
    {
        var time = "";
        if (reportedAt is not null)
        {
            var (lower, upper) = Bounds(reportedAt);
            // The bounds are inclusive; the store's range is [from, to).
            time = UpdateStore.ReportedBetween(lower is null ? null : AsInstant(lower), upper is null ? null : AsInstant(upper)?.AddTicks(1));
        }
        else if (reportedDay is not null)
        {
            // Whole UTC days: from the first day's midnight to the midnight after the last (a superset when exclusive).
            var (lower, upper) = Bounds(reportedDay);
            time = UpdateStore.ReportedBetween(lower is null ? null : StartOfUtcDay(lower), upper is null ? null : StartOfUtcDay(upper)?.AddDays(1));
        }
        if (projectKey?.Values is { } keys)
        {
            return [.. Distinct(keys).Where(k => portfolio is null || portfolio.Admits(UpdateStore.PortfolioOf(k)))
                .Select(k => KeyFilter.Partition(k) + time)];
        }
        if (portfolio?.Values is { } values)
        {
            return [.. Distinct(values).Select(v => UpdateStore.PortfolioPartitions(v)).Select(p =>
                TableClient.CreateQueryFilter($"PartitionKey ge {p.From} and PartitionKey lt {p.Before}") + time)];
        }
        return [And(time)];
    }

    private async Task<List<string>> ProjectSnapshotsAsync(Constraint? portfolio, Constraint? day, Constraint? projectId, CancellationToken ct)
    {
        var ids = portfolio?.Values is { } values ? Distinct(values) : await AllPortfoliosAsync(portfolio, ct);
        var (lower, upper) = day is null ? (null, null) : Bounds(day);
        var from = lower is null ? null : DayText(lower);
        var to = upper is null ? null : DayText(upper);
        return [.. ids.Select(id => ProjectSnapshotStore.PortfolioDays(id, from, to) + Range("RowKey", projectId))];
    }

    private static List<string> PortfolioSnapshots(Constraint? portfolio, Constraint? day)
    {
        var (lower, upper) = day is null ? (null, null) : Bounds(day);
        var days = PortfolioSnapshotStore.Days(lower is null ? null : DayText(lower), upper is null ? null : DayText(upper));
        if (portfolio?.Values is { } values)
        {
            return [.. Distinct(values).Select(v => KeyFilter.Partition(PortfolioSnapshotStore.Partition(v)) + days)];
        }
        return [And(Range("PartitionKey", portfolio) + days)];
    }

    private async Task<List<string>> AllPortfoliosAsync(Constraint? portfolio, CancellationToken ct)
    {
        var ids = new List<string>();
        await foreach (var p in portfolios.EveryAsync(ct))
        {
            if (portfolio is null || portfolio.Admits(p.RowKey))
            {
                ids.Add(p.RowKey);
            }
        }
        return ids;
    }

    /// <summary>An inclusive key range from a constraint on a string key (a superset when the bounds are exclusive).</summary>
    private static string Range(string key, Constraint? constraint)
    {
        if (constraint is null)
        {
            return "";
        }
        var (lower, upper) = Bounds(constraint);
        return (lower is string lo ? " and " + (key == "RowKey" ? TableClient.CreateQueryFilter($"RowKey ge {lo}") : TableClient.CreateQueryFilter($"PartitionKey ge {lo}")) : "")
            + (upper is string hi ? " and " + (key == "RowKey" ? TableClient.CreateQueryFilter($"RowKey le {hi}") : TableClient.CreateQueryFilter($"PartitionKey le {hi}")) : "");
    }

    private static (object? Lower, object? Upper) Bounds(Constraint c)
    {
        if (c.Values is { Count: > 0 } values)
        {
            var sorted = values.Order(Comparer<object>.Create(FilterSupport.Compare)).ToList();
            return (sorted[0], sorted[^1]);
        }
        return (c.Lower, c.Upper);
    }

    private static List<string> Distinct(IEnumerable<object> values) => [.. values.Select(v => v.ToString()!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static string And(string conditions) => conditions.StartsWith(" and ", StringComparison.Ordinal) ? conditions[5..] : conditions;

    private static DateTimeOffset? AsInstant(object value) => value switch
    {
        DateTimeOffset d => d,
        Date d => new DateTimeOffset(d.Year, d.Month, d.Day, 0, 0, 0, TimeSpan.Zero),
        _ => null,
    };

    /// <summary>Midnight UTC of a yyyymmdd number; null (no bound, so a superset) when it is no day or the last one.</summary>
    private static DateTimeOffset? StartOfUtcDay(object value) =>
        value is int or long && DayKey.DayOf(Convert.ToInt64(value, CultureInfo.InvariantCulture)) is { } day && day < DateOnly.MaxValue
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : null;

    /// <summary>The day key of a day bound given as a Date, a DateSK number or an instant (its UTC date).</summary>
    private static string DayText(object value) => value switch
    {
        Date d => DayKey.Text(new DateOnly(d.Year, d.Month, d.Day)),
        DateTimeOffset d => DayKey.Text(DateOnly.FromDateTime(d.UtcDateTime)),
        int or long => DayKey.FromNumber(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>
    /// Columns to fetch: those written, filtered on or sorted by; without $select, every column the set serves — never
    /// the rest of a stored row (a project row's compact history is for the metrics job, not the feed).
    /// </summary>
    private static IReadOnlyList<string> Columns(FeedQuery query)
    {
        if (query.Select is null || query.Select.AllSelected)
        {
            return [.. query.Set.Properties.SelectMany(p => p.Columns).Distinct(StringComparer.Ordinal)];
        }
        var names = query.Columns().Select(i => query.Set.Properties[i].Name).ToHashSet(StringComparer.Ordinal);
        names.UnionWith(PropertiesIn(query.Filter?.Expression));
        for (var o = query.OrderBy; o is not null; o = o.ThenBy)
        {
            names.Add(((Microsoft.OData.UriParser.SingleValuePropertyAccessNode)o.Expression).Property.Name);
        }
        names.Add(query.Set.ScopeProperty); // for the scope check of scoped keys
        names.Add(FeedNames.Id);
        return [.. query.Set.Properties.Where(p => names.Contains(p.Name)).SelectMany(p => p.Columns).Distinct(StringComparer.Ordinal)];
    }

    private static IEnumerable<string> PropertiesIn(Microsoft.OData.UriParser.SingleValueNode? node) => node switch
    {
        Microsoft.OData.UriParser.SingleValuePropertyAccessNode p => [p.Property.Name],
        Microsoft.OData.UriParser.BinaryOperatorNode b => PropertiesIn(b.Left).Concat(PropertiesIn(b.Right)),
        Microsoft.OData.UriParser.UnaryOperatorNode u => PropertiesIn(u.Operand),
        Microsoft.OData.UriParser.ConvertNode c => PropertiesIn(c.Source),
        _ => [],
    };
}
