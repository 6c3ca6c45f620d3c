using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Tracker.Hosting;
using Tracker.Storage;

namespace Tracker.Digests;

/// <summary>
/// Signed one-click unsubscribe tokens: the portfolio and subscription ids with an HMAC-SHA256 over them. The key is
/// random, made once per storage account (Settings table) so every instance signs alike; a token names exactly one
/// subscription and cannot be altered to name another.
/// </summary>
public sealed class UnsubscribeTokens(TrackerTables tables)
{
    private byte[]? _key;

    public async Task<string> CreateAsync(string portfolioId, string subscriptionId, CancellationToken ct)
    {
        var payload = Encoding.UTF8.GetBytes(portfolioId + "\n" + subscriptionId);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(await KeyAsync(ct), payload));
    }

    /// <summary>The (portfolio, subscription) a token names, or a 400 when it was not signed here.</summary>
    public async Task<(string PortfolioId, string SubscriptionId)> ReadAsync(string? token, CancellationToken ct)
    {
        var parts = (token ?? "").Split('.');
        byte[] payload, signature;
        try
        {
            (payload, signature) = parts.Length == 2 ? (Base64Url.DecodeFromChars(parts[0]), Base64Url.DecodeFromChars(parts[1])) : ([], []);
        }
        catch (FormatException)
        {
            (payload, signature) = ([], []);
        }
        if (payload.Length == 0 || !CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(await KeyAsync(ct), payload), signature))
        {
            throw Problems.BadRequest("This unsubscribe link is not valid.");
        }
        var ids = Encoding.UTF8.GetString(payload).Split('\n');
        return (ids[0], ids[1]);
    }

    private async Task<byte[]> KeyAsync(CancellationToken ct)
    {
        if (_key is not null)
        {
            return _key;
        }
        var existing = await tables.Settings.GetEntityIfExistsAsync<TableEntity>("secret", "unsubscribe", cancellationToken: ct);
        if (!existing.HasValue)
        {
            try
            {
                await tables.Settings.AddEntityAsync(new TableEntity("secret", "unsubscribe") { ["Key"] = RandomNumberGenerator.GetBytes(32) }, ct);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Another instance made it first: use theirs.
            }
            existing = await tables.Settings.GetEntityIfExistsAsync<TableEntity>("secret", "unsubscribe", cancellationToken: ct);
        }
        return _key = existing.Value!.GetBinary("Key");
    }
}
