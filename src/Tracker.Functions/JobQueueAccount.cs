using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tracker.Storage;

namespace Tracker.Functions;

/// <summary>
/// The two settings that must name one queue account: <c>JobQueue</c>, the connection the queue triggers listen on
/// (read by the Functions host), and the app's own <c>Storage:ConnectionString</c> or <c>Storage:QueueEndpoint</c>,
/// through which timers and manual runs enqueue. Pointed at different accounts, every run would stay pending with no
/// warning, so the worker refuses to start and names both. A JobQueue left unset is the host's to report.
/// </summary>
public sealed class JobQueueAccountValidation(IConfiguration configuration) : IValidateOptions<StorageOptions>
{
    public const string Connection = "JobQueue";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var triggers = OfConnection(configuration.GetSection(Connection));
        var (appSetting, app) = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ("Storage:QueueEndpoint", options.QueueEndpoint is { } endpoint ? Normal(endpoint) : null)
            : ("Storage:ConnectionString", Normal(new QueueServiceClient(options.ConnectionString).Uri));
        if (triggers is null || app is null || string.Equals(triggers, app, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Success;
        }
        return ValidateOptionsResult.Fail(
            $"The queue triggers listen on the account of {Connection} ({triggers}), but the app enqueues job messages through {appSetting} ({app}): "
            + $"every job run would stay pending. Point {Connection} and {appSetting} at the same storage account.");
    }

    /// <summary>The queue service of a Functions connection: a connection string, or identity-based <c>__queueServiceUri</c> / <c>__accountName</c>.</summary>
    public static string? OfConnection(IConfigurationSection connection)
    {
        if (!string.IsNullOrWhiteSpace(connection.Value))
        {
            return Normal(new QueueServiceClient(connection.Value).Uri);
        }
        if (Uri.TryCreate(connection["queueServiceUri"], UriKind.Absolute, out var uri))
        {
            return Normal(uri);
        }
        return connection["accountName"] is { Length: > 0 } account ? Normal(new Uri($"https://{account}.queue.core.windows.net")) : null;
    }

    /// <summary>Scheme, host, port and path (Azurite's account name), without a query that could hold a SAS.</summary>
    private static string Normal(Uri uri) => uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
