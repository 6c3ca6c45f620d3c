using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Tracker.Testing;

/// <summary>
/// Counts the entities storage returned, per table, at the transport of the app's table clients (registered as an
/// HttpPipelinePolicy): a query's rows (its JSON <c>value</c> array) and a point read's one row. What a run read is
/// then a number to print or to assert, not an estimate.
/// </summary>
public sealed class EntityCounter : HttpPipelinePolicy
{
    private readonly Dictionary<string, long> _read = new(StringComparer.Ordinal);

    /// <summary>Entities read from a table since the last <see cref="Reset"/>.</summary>
    public long Read(string table)
    {
        lock (_read)
        {
            return _read.GetValueOrDefault(table);
        }
    }

    /// <summary>Entities read from every table since the last <see cref="Reset"/>.</summary>
    public long Total
    {
        get
        {
            lock (_read)
            {
                return _read.Values.Sum();
            }
        }
    }

    public void Reset()
    {
        lock (_read)
        {
            _read.Clear();
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Count(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        Count(message);
    }

    private void Count(HttpMessage message)
    {
        if (message.Request.Method != RequestMethod.Get || !message.HasResponse || message.Response.Status != 200)
        {
            return;
        }
        // /{table}() or /{table}(PartitionKey=..,RowKey=..), after the account on Azurite's path-style URLs.
        var path = message.Request.Uri.Path;
        var paren = path.IndexOf('(', StringComparison.Ordinal);
        if (paren <= 0)
        {
            return; // not a table's entities (a table listing, a queue, a blob)
        }
        var start = path.LastIndexOf('/', paren) + 1;
        var table = path[start..paren];
        var rows = path[paren..] == "()" ? Rows(message.Response.Content) : 1;
        lock (_read)
        {
            _read[table] = _read.GetValueOrDefault(table) + rows;
        }
    }

    private static long Rows(BinaryData content)
    {
        using var json = JsonDocument.Parse(content);
        return json.RootElement.TryGetProperty("value", out var value) ? value.GetArrayLength() : 0;
    }
}
