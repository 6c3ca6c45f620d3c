using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Tracker.Common;

namespace Tracker.Api;

/// <summary>A page of a list, as every list route answers.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>
/// Paging parameters. The continuation token is Table Storage's own, wrapped with a fingerprint of the query it belongs
/// to and signed with the storage account's token key (<see cref="SigningKeys"/>): opaque to clients, valid only for
/// the query that returned it, impossible to alter or forge, and never spliced into a filter.
/// </summary>
public sealed record Paging(int Limit, string? StorageToken)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>What identifies a list query (its route and every parameter that shapes it), for <see cref="From"/>.</summary>
    public static string Fingerprint(params object?[] parts) =>
        string.Join('\n', parts.Select(p => p is IFormattable f ? f.ToString(p is DateTimeOffset ? "O" : null, CultureInfo.InvariantCulture) : p?.ToString() ?? ""));

    public static Paging From(HttpRequest request, string queryFingerprint, byte[] key)
    {
        var limit = DefaultLimit;
        var limitText = request.Query["limit"].ToString();
        if (limitText.Length > 0 &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            throw Problems.Validation("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }
        var token = request.Query["continuationToken"].ToString();
        return new Paging(limit, token.Length == 0 ? null : Decode(token, queryFingerprint, key));
    }

    public static string? Encode(string? storageToken, string queryFingerprint, byte[] key) =>
        storageToken is null ? null : SignedToken.Wrap(key, Encoding.UTF8.GetBytes($"v2\n{Hash(queryFingerprint)}\n{storageToken}"));

    private static string Decode(string token, string queryFingerprint, byte[] key)
    {
        var payload = SignedToken.Unwrap(key, token);
        var parts = payload is null ? [] : Encoding.UTF8.GetString(payload).Split('\n', 3);
        if (parts.Length != 3 || parts[0] != "v2" || parts[1] != Hash(queryFingerprint) || parts[2].Length == 0)
        {
            throw Problems.Validation("continuationToken", "continuationToken is not one this query returned.");
        }
        return parts[2];
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
}
