using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tracker.Security;

/// <summary>
/// API key secrets. A key reads <c>tt_{keyId}_{secret}</c>: the id finds the stored row with one point read, the
/// 256-bit random secret is checked against a salted HMAC-SHA256 of it. Only the salt and the hash are stored. A slow
/// password hash buys nothing for secrets of this entropy and would cost every request (docs/decisions).
/// </summary>
public static class KeySecrets
{
    public const string Prefix = "tt_";

    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Compose(string keyId, string secret) => $"{Prefix}{keyId}_{secret}";

    public static bool TryParse(string presented, out string keyId, out string secret)
    {
        keyId = secret = "";
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = presented.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator <= 0 || separator == rest.Length - 1)
        {
            return false;
        }
        keyId = rest[..separator].ToString();
        secret = rest[(separator + 1)..].ToString();
        return true;
    }

    public static (byte[] Salt, byte[] Hash) Hash(string secret)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return (salt, Hash(secret, salt));
    }

    public static byte[] Hash(string secret, byte[] salt) => HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(secret));

    public static bool Verify(string secret, byte[] salt, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret, salt), expectedHash);
}
