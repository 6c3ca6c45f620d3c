using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace Tracker.Storage;

/// <summary>
/// The one <see cref="TableServiceClient"/> of the process, with its retry policy. It hands a table's client only to
/// that table's store (<see cref="TableStore{TEntity}"/>); no other code touches a table.
/// </summary>
public sealed class TrackerTables
{
    private readonly TableServiceClient _service;

    /// <param name="policies">extra pipeline policies from DI, applied to every call (none in production; tests
    /// register one to inject storage faults between two calls of one request).</param>
    public TrackerTables(IOptions<StorageOptions> options, IEnumerable<HttpPipelinePolicy> policies)
    {
        var o = options.Value;
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.MaxRetries = o.MaxRetries;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(20);
        foreach (var policy in policies)
        {
            clientOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }
        _service = string.IsNullOrWhiteSpace(o.ConnectionString)
            ? new TableServiceClient(o.TableEndpoint!, new DefaultAzureCredential(), clientOptions)
            : new TableServiceClient(o.ConnectionString, clientOptions);
    }

    internal TableClient Client(string tableName) => _service.GetTableClient(tableName);

    /// <summary>The names of the account's tables: one listing, so that a start creates only the missing ones.</summary>
    internal async Task<HashSet<string>> NamesAsync(CancellationToken ct)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var table in _service.QueryAsync(cancellationToken: ct))
        {
            names.Add(table.Name);
        }
        return names;
    }
}
