using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace Tracker.Storage;

/// <summary>Conditions of a query, built with <see cref="TableClient.CreateQueryFilter(FormattableString)"/> (values escaped by the SDK).</summary>
public static class KeyFilter
{
    private static readonly HashSet<string> Operators = ["eq", "ne", "gt", "ge", "lt", "le"];

    /// <summary>Every row of one partition.</summary>
    public static string Partition(string partitionKey) => TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");

    /// <summary>
    /// A column compared with a value: <paramref name="column"/> is the <c>nameof</c> an entity's property (never text
    /// from a request), so renaming the property renames the filter; the value is escaped by the SDK.
    /// </summary>
    public static string Column(string column, string op, object value)
    {
        if (!Operators.Contains(op) || !column.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"Not a column comparison: {column} {op}.");
        }
        return TableClient.CreateQueryFilter(FormattableStringFactory.Create(column + " " + op + " {0}", value));
    }
}
