using Azure.Core;
using Azure.Core.Pipeline;

namespace Tracker.Testing;

/// <summary>Counts the calls the app's own table clients make (registered as an HttpPipelinePolicy), by method and table.</summary>
public sealed class StorageCalls : HttpPipelinePolicy
{
    private readonly List<(string Method, string Path, string Query)> _calls = [];

    /// <summary>How many calls with this method went to this table (a query is a GET on <c>/{table}()</c>).</summary>
    public int Count(string method, string table)
    {
        lock (_calls)
        {
            return _calls.Count(c => c.Method == method && c.Path.Contains("/" + table, StringComparison.Ordinal));
        }
    }

    /// <summary>The $filter of every query that went to this table, decoded, in order.</summary>
    public IReadOnlyList<string> Filters(string table)
    {
        lock (_calls)
        {
            return [.. _calls.Where(c => c.Method == "GET" && c.Path.Contains("/" + table + "()", StringComparison.Ordinal))
                .Select(c => System.Web.HttpUtility.ParseQueryString(c.Query)["$filter"] ?? "")];
        }
    }

    /// <summary>The $select of every query that went to this table (null: all columns), in order.</summary>
    public IReadOnlyList<string?> Selects(string table)
    {
        lock (_calls)
        {
            return [.. _calls.Where(c => c.Method == "GET" && c.Path.Contains("/" + table + "()", StringComparison.Ordinal))
                .Select(c => System.Web.HttpUtility.ParseQueryString(c.Query)["$select"])];
        }
    }

    public void Reset()
    {
        lock (_calls)
        {
            _calls.Clear();
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(HttpMessage message)
    {
        lock (_calls)
        {
            _calls.Add((message.Request.Method.Method, message.Request.Uri.Path, message.Request.Uri.Query));
        }
    }
}
