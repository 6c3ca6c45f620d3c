using Azure.Data.Tables;

namespace Tracker.Storage;

/// <summary>Key conditions of a query, built with <see cref="TableClient.CreateQueryFilter(FormattableString)"/> (values escaped by the SDK).</summary>
public static class KeyFilter
{
    /// <summary>Every row of one partition.</summary>
    public static string Partition(string partitionKey) => TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");
}
