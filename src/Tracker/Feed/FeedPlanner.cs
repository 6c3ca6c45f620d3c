// ODL 8 gives Edm.Date literals as Microsoft.OData.Edm.Date (obsolete only in view of ODL 9).
#pragma warning disable CS0618
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.OData.Edm;
using Tracker.Portfolios;
using Tracker.Updates;

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
        if (set.Table is null)
        {
            return new FeedPlan([], null);
        }
        var constraints = FilterSupport.Constraints(query.Filter?.Expression);
        Constraint? Role(KeyRole role) => set.KeyRoles.Where(k => k.Value == role && constraints.ContainsKey(k.Key))
            .Select(k => constraints[k.Key]).Aggregate((Constraint?)null, (a, b) => a is null ? b : a.Intersect(b));
        var filters = set.Name switch
        {
            "Portfolios" => Portfolios(Scoped(Role(KeyRole.RowKey), scope)),
            "Projects" => Projects(Scoped(Role(KeyRole.Portfolio), scope), Role(KeyRole.RowKey)),
            "Updates" => Updates(Scoped(Role(KeyRole.Portfolio), scope), Role(KeyRole.PartitionKey), Role(KeyRole.ReportedAt)),
            "ProjectSnapshots" => await ProjectSnapshotsAsync(Scoped(Role(KeyRole.Portfolio), scope), Role(KeyRole.Day), Role(KeyRole.RowKey), ct),
            "PortfolioSnapshots" => PortfolioSnapshots(Scoped(Role(KeyRole.PartitionKey), scope), Role(KeyRole.Day)),
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
        var partition = TableClient.CreateQueryFilter($"PartitionKey eq {PortfolioEntity.Partition}");
        if (id?.Values is { } ids)
        {
            return [.. Distinct(ids).Select(v => partition + " and " + TableClient.CreateQueryFilter($"RowKey eq {v}"))];
        }
        return [partition + Range("RowKey", id)];
    }

    private static List<string> Projects(Constraint? portfolio, Constraint? id)
    {
        if (portfolio?.Values is { } values)
        {
            return [.. Distinct(values).Select(v => TableClient.CreateQueryFilter($"PartitionKey eq {v}") + Range("RowKey", id))];
        }
        return [And(Range("PartitionKey", portfolio) + Range("RowKey", id))];
    }

    private static List<string> Updates(Constraint? portfolio, Constraint? projectKey, Constraint? reportedAt)
    {
        var time = "";
        if (reportedAt is not null)
        {
            var (lower, upper) = Bounds(reportedAt);
            // RowKeys are inverted ticks: a later instant has a smaller key.
            if (upper is not null && AsInstant(upper) is { } end)
            {
                time += " and " + TableClient.CreateQueryFilter($"RowKey ge {UpdateEntity.KeyBefore(end.AddTicks(1))}");
            }
            if (lower is not null && AsInstant(lower) is { } start)
            {
                time += " and " + TableClient.CreateQueryFilter($"RowKey lt {UpdateEntity.KeyBefore(start)}");
            }
        }
        if (projectKey?.Values is { } keys)
        {
            return [.. Distinct(keys).Where(k => portfolio is null || portfolio.Admits(k.Split('|')[0]))
                .Select(k => TableClient.CreateQueryFilter($"PartitionKey eq {k}") + time)];
        }
        if (portfolio?.Values is { } values)
        {
            return [.. Distinct(values).Select(v => TableClient.CreateQueryFilter($"PartitionKey ge {v + "|"} and PartitionKey lt {v + "}"}") + time)];
        }
        return [And(time)];
    }

    private async Task<List<string>> ProjectSnapshotsAsync(Constraint? portfolio, Constraint? day, Constraint? projectId, CancellationToken ct)
    {
        var ids = portfolio?.Values is { } values ? Distinct(values) : await AllPortfoliosAsync(portfolio, ct);
        var (lower, upper) = day is null ? (null, null) : Bounds(day);
        var from = lower is null ? null : DayText(lower);
        var to = upper is null ? null : DayText(upper);
        return [.. ids.Select(id =>
            TableClient.CreateQueryFilter($"PartitionKey ge {id + "|" + (from ?? "")} and PartitionKey le {id + "|" + (to ?? "~")}") + Range("RowKey", projectId))];
    }

    private static List<string> PortfolioSnapshots(Constraint? portfolio, Constraint? day)
    {
        var (lower, upper) = day is null ? (null, null) : Bounds(day);
        var days = (lower is null ? "" : " and " + TableClient.CreateQueryFilter($"RowKey ge {DayText(lower)}"))
            + (upper is null ? "" : " and " + TableClient.CreateQueryFilter($"RowKey le {DayText(upper)}"));
        if (portfolio?.Values is { } values)
        {
            return [.. Distinct(values).Select(v => TableClient.CreateQueryFilter($"PartitionKey eq {v}") + days)];
        }
        return [And(Range("PartitionKey", portfolio) + days)];
    }

    private async Task<List<string>> AllPortfoliosAsync(Constraint? portfolio, CancellationToken ct)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var (page, next) = await portfolios.ListAsync(1000, token, null, ct);
            ids.AddRange(page.Select(p => p.RowKey).Where(id => portfolio is null || portfolio.Admits(id)));
            token = next;
        }
        while (token is not null);
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

    /// <summary>yyyymmdd for a day bound given as a Date, a DateSK number or an instant (its UTC date).</summary>
    private static string DayText(object value) => value switch
    {
        Date d => string.Create(CultureInfo.InvariantCulture, $"{d.Year:D4}{d.Month:D2}{d.Day:D2}"),
        DateTimeOffset d => d.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        int or long => Math.Clamp(Convert.ToInt64(value, CultureInfo.InvariantCulture), 0, 99_999_999).ToString("D8", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Columns to fetch: those written, filtered on or sorted by; null (all) without $select.</summary>
    private static IReadOnlyList<string>? Columns(FeedQuery query)
    {
        if (query.Select is null || query.Select.AllSelected)
        {
            return null;
        }
        var names = query.Columns().Select(i => query.Set.Properties[i].Name).ToHashSet(StringComparer.Ordinal);
        names.UnionWith(PropertiesIn(query.Filter?.Expression));
        for (var o = query.OrderBy; o is not null; o = o.ThenBy)
        {
            names.Add(((Microsoft.OData.UriParser.SingleValuePropertyAccessNode)o.Expression).Property.Name);
        }
        names.Add("PortfolioId"); // for the scope check of scoped keys
        names.Add("Id");
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
