using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Tracker.Common;

/// <summary>
/// Server-generated ids: 10 characters of milliseconds since the epoch and 16 random ones, Crockford base32 in lower
/// case (ULID layout). They sort by creation time, are URL-safe and are valid Table Storage keys.
/// </summary>
public sealed partial class Ids(TimeProvider time)
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public string New()
    {
        Span<char> id = stackalloc char[26];
        var ms = time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 9; i >= 0; i--)
        {
            id[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        for (var i = 0; i < 16; i++)
        {
            id[10 + i] = Alphabet[random[i] & 31];
        }
        return new string(id);
    }

    /// <summary>When a server-generated id was made (its first 10 characters), or null when it is not one.</summary>
    public static DateTimeOffset? TimeOf(string? id)
    {
        if (id is not { Length: 26 } || id.Any(c => !Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            return null;
        }
        long ms = 0;
        foreach (var c in id[..10])
        {
            ms = (ms << 5) | (long)Alphabet.IndexOf(c, StringComparison.Ordinal);
        }
        return ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <summary>What a client may choose as an id: lower-case letters, digits and '-', 1 to 63 characters.</summary>
    public static bool IsValid(string? id) => id is not null && ClientId().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex ClientId();
}
