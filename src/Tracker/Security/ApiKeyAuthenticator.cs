using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Tracker.Api;
using Tracker.Common;

namespace Tracker.Security;

/// <summary>
/// Checks the key sent as <c>x-api-key</c>, as the password of HTTP Basic credentials (any user name, never trusted:
/// what Power BI's scheduled refresh sends) or as <c>?code=</c> against the route's <see cref="Access"/>. Verified rows
/// are cached for 30 seconds per instance (revoking on this instance takes effect at once, on others within 30 s).
/// A 401 names the Basic challenge (RFC 7617), so that clients that wait for one send their credentials.
/// </summary>
public sealed class ApiKeyAuthenticator(ApiKeyStore store, BootstrapKey bootstrap, IMemoryCache cache, EntraAuthenticator entra)
{
    public const string HeaderName = "x-api-key";
    public const string QueryName = "code";
    public const string Realm = "Transformation Tracker";

    /// <summary>The Basic challenge: the key as the password.</summary>
    public const string BasicChallenge = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";

    /// <summary>The challenges of every 401: Entra's bearer (when configured; Power BI's Organizational account reads it) and Basic.</summary>
    public IReadOnlyList<string> Challenges { get; } = entra.Challenge is { } bearer ? [bearer, BasicChallenge] : [BasicChallenge];

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public async Task<Caller> AuthenticateAsync(HttpRequest request, Access access, CancellationToken ct)
    {
        if (access.Role == 0)
        {
            return Caller.Nobody;
        }
        var challenges = Challenges;
        Caller caller;
        if (BearerToken(request) is { } token)
        {
            caller = token.Length > 0
                ? await entra.AuthenticateAsync(token, challenges, ct)
                : throw Problems.Unauthorized("The Authorization header carries no bearer token: sign in with Entra ID, or use an API key.", challenges);
        }
        else
        {
            var presented = Presented(request, challenges)
                ?? throw Problems.Unauthorized(
                    $"Send an API key in the {HeaderName} header, as the password of Basic credentials, or in the {QueryName} query parameter"
                    + (entra.Enabled ? ", or an Entra ID bearer token." : "."), challenges);
            caller = await IdentifyAsync(presented, ct)
                ?? throw Problems.Unauthorized("The API key is unknown or revoked.", challenges);
        }
        if (caller.Role < access.Role)
        {
            throw Problems.Forbidden($"This route needs the {TrackerJson.Name(access.Role)} role; the caller has {TrackerJson.Name(caller.Role)}.");
        }
        if (access.PortfolioId is not null && !caller.CanSee(access.PortfolioId))
        {
            throw Problems.Forbidden($"The caller is not allowed to use portfolio '{access.PortfolioId}'.");
        }
        return caller;
    }

    public void Forget(string keyId) => cache.Remove(CacheKey(keyId));

    /// <summary>The token of <c>Authorization: Bearer</c> ("" for an empty one, as Power BI first sends); null for another scheme.</summary>
    private static string? BearerToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? ""
            : authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim()
            : null;
    }

    private static string? Presented(HttpRequest request, IReadOnlyList<string> challenges)
    {
        var header = request.Headers[HeaderName].ToString();
        if (header.Length > 0)
        {
            return header;
        }
        if (BasicPassword(request, challenges) is { } password)
        {
            return password;
        }
        var code = request.Query[QueryName].FirstOrDefault() ?? "";
        return code.Length > 0 ? code : null;
    }

    /// <summary>
    /// The password of <c>Authorization: Basic base64(user:password)</c>; null without Basic credentials. Credentials
    /// that are not base64 of UTF-8 text with a colon, or with an empty password, are refused as such.
    /// </summary>
    private static string? BasicPassword(HttpRequest request, IReadOnlyList<string> challenges)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(authorization[6..].Trim()));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw Problems.Unauthorized("The Authorization header is not Basic credentials: send base64 of user:password, the API key as the password.", challenges);
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || colon == decoded.Length - 1)
        {
            throw Problems.Unauthorized("The Basic credentials carry no password: send the API key as the password (any user name).", challenges);
        }
        return decoded[(colon + 1)..];
    }

    private async Task<Caller?> IdentifyAsync(string presented, CancellationToken ct) => (await VerifyAsync(presented, ct))?.Caller;

    /// <summary>
    /// A key typed into the dashboard's sign-in form: its caller and a fingerprint the session keeps instead of the
    /// key (a digest of the stored secret's digest), so that <see cref="ResumeAsync"/> can re-check it; null when the
    /// key is unknown or revoked.
    /// </summary>
    public async Task<(Caller Caller, string Fingerprint)?> VerifyAsync(string presented, CancellationToken ct)
    {
        if (bootstrap.Matches(presented))
        {
            return (BootstrapCaller, bootstrap.Fingerprint);
        }
        if (!KeySecrets.TryParse(presented, out var keyId, out var secret) || !Ids.IsValid(keyId))
        {
            return null;
        }
        var entity = await FindCachedAsync(keyId, ct);
        if (entity is null || entity.RevokedAt is not null || !KeySecrets.Verify(secret, entity.Salt, entity.SecretHash))
        {
            return null;
        }
        return ToCaller(entity) is { } caller ? (caller, Fingerprint(entity)) : null;
    }

    /// <summary>
    /// The caller of a session signed in with key <paramref name="keyId"/>: null once the key is revoked, deleted or
    /// its secret replaced (the fingerprint differs) — on this instance at once, on others within the 30 s cache.
    /// </summary>
    public async Task<Caller?> ResumeAsync(string keyId, string fingerprint, CancellationToken ct)
    {
        if (keyId == BootstrapCaller.KeyId)
        {
            return bootstrap.IsConfigured && FixedEquals(bootstrap.Fingerprint, fingerprint) ? BootstrapCaller : null;
        }
        if (!Ids.IsValid(keyId) || await FindCachedAsync(keyId, ct) is not { RevokedAt: null } entity || !FixedEquals(Fingerprint(entity), fingerprint))
        {
            return null;
        }
        return ToCaller(entity);
    }

    private static readonly Caller BootstrapCaller = new("bootstrap", "bootstrap admin", Role.Admin, null);

    private Task<ApiKeyEntity?> FindCachedAsync(string keyId, CancellationToken ct) =>
        cache.GetOrCreateAsync(CacheKey(keyId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            return await store.FindAsync(keyId, ct);
        });

    private static Caller? ToCaller(ApiKeyEntity entity) =>
        TrackerJson.Parse<Role>(entity.Role) is { } role
            ? new Caller(entity.RowKey, entity.Name, role, entity.PortfolioList?.ToHashSet(StringComparer.Ordinal))
            : null;

    private static string Fingerprint(ApiKeyEntity entity) => Convert.ToBase64String(SHA256.HashData(entity.SecretHash));

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string CacheKey(string keyId) => "apikey:" + keyId;
}

/// <summary>The configured bootstrap admin key, held only as a SHA-256 digest.</summary>
public sealed class BootstrapKey
{
    private readonly byte[]? _digest;

    public BootstrapKey(string? key)
    {
        _digest = string.IsNullOrEmpty(key) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    public bool IsConfigured => _digest is not null;

    /// <summary>A digest of the digest: what a dashboard session keeps to notice that the bootstrap key was changed.</summary>
    public string Fingerprint => _digest is null ? "" : Convert.ToBase64String(SHA256.HashData(_digest));

    public bool Matches(string presented) =>
        _digest is not null && CryptographicOperations.FixedTimeEquals(_digest, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}

/// <summary>
/// Resolves the bootstrap key at start, so a generated development key is printed before the first request, and
/// warns an operator who configured none (no admin can then create keys).
/// </summary>
public sealed partial class BootstrapKeyAnnouncer(BootstrapKey key, Microsoft.Extensions.Logging.ILogger<BootstrapKeyAnnouncer> logger)
    : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!key.IsConfigured)
        {
            LogNoBootstrapKey();
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [Microsoft.Extensions.Logging.LoggerMessage(Microsoft.Extensions.Logging.LogLevel.Warning,
        "Tracker:BootstrapAdminKey is not set: no admin key exists until it is configured")]
    private partial void LogNoBootstrapKey();
}
