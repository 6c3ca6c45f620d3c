using Azure;
using Azure.Data.Tables;

namespace Tracker.Storage;

/// <summary>The four system properties every stored row has; each entity class adds its own columns.</summary>
public abstract class TableRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }
}
