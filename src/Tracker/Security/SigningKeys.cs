using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Tracker.Storage;

namespace Tracker.Security;

/// <summary>
/// Random HMAC keys, one per purpose, made once per storage account (Settings table, PartitionKey "secret") so that
/// every instance signs alike, and cached for the life of the process.
/// </summary>
public sealed class SigningKeys(TrackerTables tables)
{
    /// <summary>Unsubscribe and update-request links in mails.</summary>
    public const string Unsubscribe = "unsubscribe";

    /// <summary>Continuation tokens of lists and $skiptoken of the feed.</summary>
    public const string Tokens = "tokens";

    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public async Task<byte[]> GetAsync(string purpose, CancellationToken ct)
    {
        if (_keys.TryGetValue(purpose, out var cached))
        {
            return cached;
        }
        var existing = await tables.Settings.GetEntityIfExistsAsync<TableEntity>("secret", purpose, cancellationToken: ct);
        if (!existing.HasValue)
        {
            try
            {
                await tables.Settings.AddEntityAsync(new TableEntity("secret", purpose) { ["Key"] = RandomNumberGenerator.GetBytes(32) }, ct);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Another instance made it first: use theirs.
            }
            existing = await tables.Settings.GetEntityIfExistsAsync<TableEntity>("secret", purpose, cancellationToken: ct);
        }
        return _keys[purpose] = existing.Value!.GetBinary("Key");
    }
}

/// <summary>An opaque token: the payload and an HMAC-SHA256 over it, both base64url. Altered or foreign tokens don't verify.</summary>
public static class SignedToken
{
    public static string Wrap(byte[] key, byte[] payload) =>
        Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(key, payload));

    /// <summary>The payload of a token signed with this key, or null.</summary>
    public static byte[]? Unwrap(byte[] key, string? token)
    {
        var parts = (token ?? "").Split('.');
        if (parts.Length != 2)
        {
            return null;
        }
        try
        {
            var payload = Base64Url.DecodeFromChars(parts[0]);
            var signature = Base64Url.DecodeFromChars(parts[1]);
            return payload.Length > 0 && CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload), signature) ? payload : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
