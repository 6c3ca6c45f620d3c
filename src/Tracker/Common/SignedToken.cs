using System.Buffers.Text;
using System.Security.Cryptography;

namespace Tracker.Common;

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
