using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure.Data.Tables;

namespace Tracker.Storage;

/// <summary>
/// The Settings table: values made once per storage account and shared by every instance. PartitionKey the kind of
/// setting ("secret" for signing keys), RowKey its name.
/// </summary>
public sealed class SettingsStore(TrackerTables tables) : TableStore<TableEntity>(tables, Name)
{
    public const string Name = "Settings";

    public const string SecretPartition = "secret";

    /// <summary>The binary value of a secret, made with <paramref name="make"/> by the first instance that asks.</summary>
    public async Task<byte[]> SecretAsync(string name, Func<byte[]> make, CancellationToken ct)
    {
        if (await ReadRowAsync(SecretPartition, name, ct) is { } existing)
        {
            return existing.GetBinary("Key");
        }
        // Another instance may make it first: then its value is the one read back.
        await TryAddAsync(new TableEntity(SecretPartition, name) { ["Key"] = make() }, ct);
        return (await ReadRowAsync(SecretPartition, name, ct))!.GetBinary("Key");
    }
}

/// <summary>
/// Random HMAC keys, one per purpose, made once per storage account (<see cref="SettingsStore"/>) so that every
/// instance signs alike, and cached for the life of the process.
/// </summary>
public sealed class SigningKeys(SettingsStore settings)
{
    /// <summary>Unsubscribe links of digests.</summary>
    public const string Unsubscribe = "unsubscribe";

    /// <summary>The links of update-request mails: the form of one project, and the owner's opt-out.</summary>
    public const string UpdateRequests = "updateRequests";

    /// <summary>Continuation tokens of lists and $skiptoken of the feed.</summary>
    public const string Tokens = "tokens";

    /// <summary>The anti-forgery tokens of the dashboard's forms.</summary>
    public const string Dashboard = "dashboard";

    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public async Task<byte[]> GetAsync(string purpose, CancellationToken ct) =>
        _keys.TryGetValue(purpose, out var cached) ? cached : _keys[purpose] = await settings.SecretAsync(purpose, () => RandomNumberGenerator.GetBytes(32), ct);
}
