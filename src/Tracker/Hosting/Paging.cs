using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tracker.Hosting;

/// <summary>A page of a list, as every list route answers.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>
/// Paging parameters. The continuation token is Table Storage's own, wrapped with a fingerprint of the query it
/// belongs to: it is opaque to clients, cannot be reused for another query, and is never spliced into a filter.
/// </summary>
public sealed record Paging(int Limit, string? StorageToken)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static Paging From(HttpRequest request, string queryFingerprint)
    {
        var limit = DefaultLimit;
        var limitText = request.Query["limit"].ToString();
        if (limitText.Length > 0 &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            throw Problems.Validation("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }
        var token = request.Query["continuationToken"].ToString();
        return new Paging(limit, token.Length == 0 ? null : Decode(token, queryFingerprint));
    }

    public static string? Encode(string? storageToken, string queryFingerprint) =>
        storageToken is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"v1\n{Hash(queryFingerprint)}\n{storageToken}"));

    private static string Decode(string token, string queryFingerprint)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\n', 3);
        }
        catch (FormatException)
        {
            parts = [];
        }
        if (parts.Length != 3 || parts[0] != "v1" || parts[1] != Hash(queryFingerprint) || parts[2].Length == 0)
        {
            throw Problems.Validation("continuationToken", "continuationToken is not one this query returned.");
        }
        return parts[2];
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
}
