using System.Buffers.Text;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Tracker.Api;
using Tracker.Security;
using Tracker.Storage;

namespace Tracker.Dashboard;

/// <summary>One request's session: the row and the caller its key stands for now.</summary>
public sealed record Session(SessionEntity Row, Caller Caller)
{
    /// <summary>The anti-forgery token of this session's forms.</summary>
    public string? FormToken { get; init; }
}

/// <summary>
/// Dashboard sign-in sessions, shared by every instance through the table: started from a key typed into the sign-in
/// form, re-checked on every request against the key (revoked or replaced: the session is over, on other instances
/// within the 30 s the key and session rows are cached), ended by sign-out or after <see cref="Lifetime"/>.
/// </summary>
public sealed class DashboardSessions(SessionStore store, ApiKeyAuthenticator keys, EntraAuthenticator entra, SigningKeys signing, PublicBaseUrl baseUrl,
    IMemoryCache cache, TimeProvider time)
{
    public const string CookieName = "tt_session";

    /// <summary>The cookie of the sign-in form, binding its anti-forgery token to this browser before there is a session.</summary>
    public const string SignInCookieName = "tt_signin";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    /// <summary>Starts a session for the key's caller; returns the Set-Cookie header value.</summary>
    public Task<string> StartAsync(string keyId, string fingerprint, HttpRequest request, CancellationToken ct) =>
        StartAsync(new SessionEntity { KeyId = keyId, Fingerprint = fingerprint }, request, ct);

    /// <summary>Starts a session for a person signed in with Entra ID; returns the Set-Cookie header value.</summary>
    public Task<string> StartAsync(Caller caller, IReadOnlySet<string> groups, HttpRequest request, CancellationToken ct) =>
        StartAsync(new SessionEntity
        {
            KeyId = caller.KeyId,
            Fingerprint = EntraAuthenticator.ScopeFingerprint(caller.Portfolios),
            Name = caller.Name,
            Role = Common.TrackerJson.Name(caller.Role),
            Groups = string.Join(",", groups),
        }, request, ct);

    private async Task<string> StartAsync(SessionEntity row, HttpRequest request, CancellationToken ct)
    {
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        row.PartitionKey = Digest(id);
        row.CreatedAt = now;
        row.ExpiresAt = now + Lifetime;
        await store.AddAsync(row, ct);
        return Cookie(request, CookieName, id, Lifetime);
    }

    /// <summary>The request's session, re-checked against its key; null when there is none, it expired or its key no longer holds.</summary>
    public async Task<Session?> ResumeAsync(HttpRequest request, CancellationToken ct)
    {
        var id = request.Cookies[CookieName];
        if (string.IsNullOrEmpty(id) || id.Length > 100)
        {
            return null;
        }
        var digest = Digest(id);
        var row = await cache.GetOrCreateAsync(CacheKey(digest), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            return await store.FindAsync(digest, ct);
        });
        if (row is null || row.ExpiresAt <= time.GetUtcNow() || await CallerOfAsync(row, ct) is not { } caller)
        {
            return null;
        }
        return new Session(row, caller) { FormToken = await FormTokenAsync(digest, ct) };
    }

    /// <summary>Who a session stands for now: its key's caller, or its Entra ID person with the grants that apply (null: no longer).</summary>
    private async Task<Caller?> CallerOfAsync(SessionEntity row, CancellationToken ct)
    {
        if (!row.KeyId.StartsWith(EntraPrefix, StringComparison.Ordinal))
        {
            return await keys.ResumeAsync(row.KeyId, row.Fingerprint, ct);
        }
        if (Common.TrackerJson.Parse<Role>(row.Role) is not { } role)
        {
            return null;
        }
        var groups = (row.Groups ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return await entra.ResumeAsync(row.KeyId[EntraPrefix.Length..], row.Name ?? row.KeyId, role, groups, row.Fingerprint, ct);
    }

    private const string EntraPrefix = "entra:";

    /// <summary>Ends the request's session (the row is deleted; this instance forgets it at once); returns the clearing Set-Cookie.</summary>
    public async Task<string> EndAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.Cookies[CookieName] is { Length: > 0 and <= 100 } id)
        {
            var digest = Digest(id);
            cache.Remove(CacheKey(digest));
            await store.EndAsync(digest, ct);
        }
        return Cookie(request, CookieName, "", TimeSpan.Zero);
    }

    /// <summary>Whether a form posted with <paramref name="token"/> comes from a page of this session.</summary>
    public async Task<bool> IsFormTokenAsync(Session session, string? token, CancellationToken ct) =>
        token is not null && FixedEquals(await FormTokenAsync(session.Row.Digest, ct), token);

    /// <summary>The sign-in form's cookie value (random) and the token its form carries (a MAC of it).</summary>
    public async Task<(string Cookie, string Token)> SignInTokenAsync(HttpRequest request, CancellationToken ct)
    {
        var nonce = request.Cookies[SignInCookieName] is { Length: > 20 and <= 100 } existing ? existing : Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        return (Cookie(request, SignInCookieName, nonce, TimeSpan.FromHours(1)), await FormTokenAsync("signin:" + nonce, ct));
    }

    /// <summary>Whether a sign-in form posted with <paramref name="token"/> was served to this browser.</summary>
    public async Task<bool> IsSignInTokenAsync(HttpRequest request, string? token, CancellationToken ct) =>
        request.Cookies[SignInCookieName] is { Length: > 20 and <= 100 } nonce && token is not null
        && FixedEquals(await FormTokenAsync("signin:" + nonce, ct), token);

    /// <summary>
    /// A cookie the script of a page cannot read (HttpOnly), sent only with same-site requests and top-level
    /// navigations (SameSite=Lax), Secure when the app is served over https, for the whole site.
    /// </summary>
    public string Cookie(HttpRequest request, string name, string value, TimeSpan maxAge)
    {
        var secure = baseUrl.For(request).StartsWith("https:", StringComparison.OrdinalIgnoreCase) || request.IsHttps;
        return new Microsoft.Net.Http.Headers.SetCookieHeaderValue(name, value)
        {
            Path = "/",
            HttpOnly = true,
            Secure = secure,
            SameSite = Microsoft.Net.Http.Headers.SameSiteMode.Lax,
            MaxAge = maxAge,
        }.ToString();
    }

    private async Task<string> FormTokenAsync(string subject, CancellationToken ct) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(await signing.GetAsync(SigningKeys.Dashboard, ct), Encoding.UTF8.GetBytes(subject)));

    private static string Digest(string id) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    private static bool FixedEquals(string a, string b) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string CacheKey(string digest) => "session:" + digest;
}
