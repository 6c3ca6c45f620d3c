// ODL 8 gives Edm.Date literals as Microsoft.OData.Edm.Date (obsolete only in view of ODL 9).
#pragma warning disable CS0618
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using Tracker.Api;

namespace Tracker.Feed;

/// <summary>
/// What the feed does with a parsed $filter: checks it uses only comparisons, and, or, not; evaluates it on a row in
/// memory (always, so results are exact); and extracts per-property constraints for pushing key ranges down.
/// </summary>
public static class FilterSupport
{
    public static void Validate(SingleValueNode node)
    {
        switch (node)
        {
            case BinaryOperatorNode b when b.OperatorKind is BinaryOperatorKind.And or BinaryOperatorKind.Or or BinaryOperatorKind.Equal
                or BinaryOperatorKind.NotEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual
                or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual:
                Validate(b.Left);
                Validate(b.Right);
                return;
            case BinaryOperatorNode b:
                throw Problems.BadRequest($"The operator '{b.OperatorKind}' is not supported in $filter; use comparisons (eq, ne, gt, ge, lt, le) with and, or, not.");
            case UnaryOperatorNode { OperatorKind: UnaryOperatorKind.Not } u:
                Validate(u.Operand);
                return;
            case ConvertNode c:
                Validate(c.Source);
                return;
            case SingleValuePropertyAccessNode { Source: ResourceRangeVariableReferenceNode }:
            case ConstantNode:
                return;
            case SingleValueFunctionCallNode f:
                throw Problems.BadRequest($"The function '{f.Name}' is not supported in $filter; use comparisons with and, or, not.");
            default:
                throw Problems.BadRequest($"This kind of expression ({node.Kind}) is not supported in $filter; use comparisons with and, or, not.");
        }
    }

    public static bool Matches(SingleValueNode node, FeedSet set, object?[] row) => Evaluate(node, set, row) is true;

    private static object? Evaluate(SingleValueNode node, FeedSet set, object?[] row)
    {
        switch (node)
        {
            case ConstantNode c:
                return c.Value;
            case SingleValuePropertyAccessNode p:
                return row[set.IndexOf(p.Property.Name)];
            case ConvertNode c:
                return Evaluate(c.Source, set, row);
            case UnaryOperatorNode u:
                return Evaluate(u.Operand, set, row) is bool flag ? !flag : null;
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } both:
                return Evaluate(both.Left, set, row) is true && Evaluate(both.Right, set, row) is true;
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Or } either:
                return Evaluate(either.Left, set, row) is true || Evaluate(either.Right, set, row) is true;
            case BinaryOperatorNode b:
                var left = Evaluate(b.Left, set, row);
                var right = Evaluate(b.Right, set, row);
                if (left is null || right is null)
                {
                    return b.OperatorKind switch
                    {
                        BinaryOperatorKind.Equal => left is null && right is null,
                        BinaryOperatorKind.NotEqual => !(left is null && right is null),
                        _ => false,
                    };
                }
                var order = Compare(left, right);
                return b.OperatorKind switch
                {
                    BinaryOperatorKind.Equal => order == 0,
                    BinaryOperatorKind.NotEqual => order != 0,
                    BinaryOperatorKind.GreaterThan => order > 0,
                    BinaryOperatorKind.GreaterThanOrEqual => order >= 0,
                    BinaryOperatorKind.LessThan => order < 0,
                    _ => order <= 0,
                };
            default:
                throw Problems.BadRequest($"This kind of expression ({node.Kind}) is not supported in $filter.");
        }
    }

    /// <summary>Orders two values of compatible EDM types: numbers, strings (ordinal), dates, instants, booleans.</summary>
    public static int Compare(object left, object right)
    {
        switch (left, right)
        {
            case (string a, string b):
                return string.CompareOrdinal(a, b);
            case (Date a, Date b):
                return a.CompareTo(b);
            case (Date a, DateTimeOffset b):
                return new DateTimeOffset(a.Year, a.Month, a.Day, 0, 0, 0, TimeSpan.Zero).CompareTo(b);
            case (DateTimeOffset a, Date b):
                return a.CompareTo(new DateTimeOffset(b.Year, b.Month, b.Day, 0, 0, 0, TimeSpan.Zero));
            case (DateTimeOffset a, DateTimeOffset b):
                return a.CompareTo(b);
            case (bool a, bool b):
                return a.CompareTo(b);
            case (double or float, _):
            case (_, double or float):
                return Convert.ToDouble(left, System.Globalization.CultureInfo.InvariantCulture)
                    .CompareTo(Convert.ToDouble(right, System.Globalization.CultureInfo.InvariantCulture));
            case (int or long or decimal or short or byte, int or long or decimal or short or byte):
                return Convert.ToDecimal(left, System.Globalization.CultureInfo.InvariantCulture)
                    .CompareTo(Convert.ToDecimal(right, System.Globalization.CultureInfo.InvariantCulture));
            default:
                throw Problems.BadRequest($"Values of types {left.GetType().Name} and {right.GetType().Name} cannot be compared.");
        }
    }

    /// <summary>
    /// Per-property constraints implied by a filter: what any matching row must satisfy (a superset, never tighter).
    /// <c>and</c> intersects, <c>or</c> keeps only properties constrained on both sides and unites them.
    /// </summary>
    public static Dictionary<string, Constraint> Constraints(SingleValueNode? node)
    {
        switch (node)
        {
            case ConvertNode convert:
                // The parser wraps operands of and/or in nullability conversions.
                return Constraints(convert.Source);
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } both:
                {
                    var left = Constraints(both.Left);
                    foreach (var (property, constraint) in Constraints(both.Right))
                    {
                        left[property] = left.TryGetValue(property, out var existing) ? existing.Intersect(constraint) : constraint;
                    }
                    return left;
                }
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Or } either:
                {
                    var left = Constraints(either.Left);
                    var right = Constraints(either.Right);
                    return left.Where(l => right.ContainsKey(l.Key)).ToDictionary(l => l.Key, l => l.Value.Union(right[l.Key]), StringComparer.Ordinal);
                }
            case BinaryOperatorNode b when Comparison(b) is ({ } property, { } value, var op):
                return new Dictionary<string, Constraint>(StringComparer.Ordinal) { [property] = Constraint.From(op, value) };
            default:
                return new Dictionary<string, Constraint>(StringComparer.Ordinal);
        }
    }

    private static (string? Property, object? Value, BinaryOperatorKind Op) Comparison(BinaryOperatorNode b)
    {
        if (Unwrap(b.Left) is SingleValuePropertyAccessNode p && Unwrap(b.Right) is ConstantNode { Value: { } v })
        {
            return (p.Property.Name, v, b.OperatorKind);
        }
        if (Unwrap(b.Right) is SingleValuePropertyAccessNode q && Unwrap(b.Left) is ConstantNode { Value: { } w })
        {
            var flipped = b.OperatorKind switch
            {
                BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
                BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
                BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
                BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
                var same => same,
            };
            return (q.Property.Name, w, flipped);
        }
        return (null, null, default);
    }

    private static SingleValueNode Unwrap(SingleValueNode node) => node is ConvertNode c ? Unwrap(c.Source) : node;
}

/// <summary>The values a property may take: a set of discrete values, or an interval (bounds may be open).</summary>
public sealed record Constraint(IReadOnlyList<object>? Values, object? Lower, bool LowerInclusive, object? Upper, bool UpperInclusive)
{
    public static readonly Constraint Any = new(null, null, false, null, false);

    public static Constraint From(BinaryOperatorKind op, object value) => op switch
    {
        BinaryOperatorKind.Equal => new([value], null, false, null, false),
        BinaryOperatorKind.GreaterThan => new(null, value, false, null, false),
        BinaryOperatorKind.GreaterThanOrEqual => new(null, value, true, null, false),
        BinaryOperatorKind.LessThan => new(null, null, false, value, false),
        BinaryOperatorKind.LessThanOrEqual => new(null, null, false, value, true),
        _ => Any,
    };

    public bool Admits(object value) =>
        (Lower is null || FilterSupport.Compare(value, Lower) is var l && (l > 0 || (l == 0 && LowerInclusive)))
        && (Upper is null || FilterSupport.Compare(value, Upper) is var u && (u < 0 || (u == 0 && UpperInclusive)));

    public Constraint Intersect(Constraint other)
    {
        if (Values is not null || other.Values is not null)
        {
            var values = (Values ?? other.Values)!.Where(v => (other.Values ?? Values)!.Any(o => FilterSupport.Compare(v, o) == 0) && Admits(v) && other.Admits(v));
            return new([.. values], null, false, null, false);
        }
        var (lower, lowerIn) = Lower is null ? (other.Lower, other.LowerInclusive) : other.Lower is null ? (Lower, LowerInclusive)
            : FilterSupport.Compare(Lower, other.Lower) is var c && c > 0 ? (Lower, LowerInclusive) : c < 0 ? (other.Lower, other.LowerInclusive) : (Lower, LowerInclusive && other.LowerInclusive);
        var (upper, upperIn) = Upper is null ? (other.Upper, other.UpperInclusive) : other.Upper is null ? (Upper, UpperInclusive)
            : FilterSupport.Compare(Upper, other.Upper) is var d && d < 0 ? (Upper, UpperInclusive) : d > 0 ? (other.Upper, other.UpperInclusive) : (Upper, UpperInclusive && other.UpperInclusive);
        return new(null, lower, lowerIn, upper, upperIn);
    }

    public Constraint Union(Constraint other)
    {
        if (Values is not null && other.Values is not null)
        {
            return new([.. Values, .. other.Values], null, false, null, false);
        }
        var a = AsRange();
        var b = other.AsRange();
        var lower = a.Lower is null || b.Lower is null ? null : FilterSupport.Compare(a.Lower, b.Lower) <= 0 ? a.Lower : b.Lower;
        var upper = a.Upper is null || b.Upper is null ? null : FilterSupport.Compare(a.Upper, b.Upper) >= 0 ? a.Upper : b.Upper;
        return new(null, lower, true, upper, true);
    }

    private Constraint AsRange()
    {
        if (Values is null)
        {
            return this;
        }
        if (Values.Count == 0)
        {
            return this with { Values = null };
        }
        var sorted = Values.Order(Comparer<object>.Create(FilterSupport.Compare)).ToList();
        return new(null, sorted[0], true, sorted[^1], true);
    }
}
