using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Tracker.Api;

namespace Tracker.Security;

/// <summary>
/// Bearer tokens from Microsoft Entra ID, validated with Microsoft.IdentityModel: the signature by the tenant's keys
/// (from its OpenID configuration, cached, fetched again when a token names a key id the cache lacks), one of the
/// tenant's v1 and v2 issuers and its <c>tid</c>, an accepted audience, the lifetime with a small skew, and RS256 only
/// (the algorithm comes from the keys, never from the token). App roles map to the tracker's roles; grants limit a
/// user or group to portfolios.
/// </summary>
public sealed partial class EntraAuthenticator
{
    public const string AdminRole = "Tracker.Admin";
    public const string WriterRole = "Tracker.Writer";
    public const string ReaderRole = "Tracker.Reader";
    private static readonly TimeSpan GrantsCacheFor = TimeSpan.FromSeconds(30);
    private const string GrantsCacheKey = "entra:grants";

    private readonly EntraOptions _options;
    private static readonly TimeSpan KeysCacheFor = TimeSpan.FromHours(12);
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private readonly HttpDocumentRetriever? _retriever;
    private readonly TimeProvider _time;
    private OpenIdConnectConfiguration? _keys;
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly GrantStore _grants;
    private readonly IMemoryCache _cache;
    private readonly ILogger<EntraAuthenticator> _logger;

    public EntraAuthenticator(IOptions<EntraOptions> options, GrantStore grants, IMemoryCache cache, TimeProvider time, ILogger<EntraAuthenticator> logger)
    {
        _options = options.Value;
        _grants = grants;
        _cache = cache;
        _time = time;
        _logger = logger;
        if (_options.Enabled)
        {
            _retriever = new HttpDocumentRetriever { RequireHttps = _options.RequireHttpsMetadata };
        }
    }

    public bool Enabled => _options.Enabled;

    /// <summary>The challenge Power BI's Organizational account looks for: where to get a token for this tenant.</summary>
    public string? Challenge => Enabled ? "Bearer authorization_uri=" + _options.AuthorizationUri : null;

    /// <summary>The caller a token stands for; a 401 when it is not a valid token of the tenant for this app, a 403 without a Tracker role.</summary>
    public async Task<Caller> AuthenticateAsync(string token, IReadOnlyList<string> challenges, CancellationToken ct)
    {
        if (_retriever is null)
        {
            throw Problems.Unauthorized("Bearer tokens are not accepted here: Entra ID sign-in is not configured. Use an API key.", challenges);
        }
        return (await CallerOfAsync(await ValidatedAsync(token, challenges, ct), challenges, ct)).Caller;
    }

    /// <summary>The tenant's OpenID configuration: its authorization and token endpoints, for the dashboard's sign-in.</summary>
    public Task<OpenIdConnectConfiguration> ConfigurationAsync(CancellationToken ct) =>
        _retriever is null ? throw Problems.NotFound("Entra ID sign-in is not configured.") : KeysAsync(force: false, ct);

    /// <summary>
    /// The person an ID token from the dashboard's sign-in stands for, validated as bearer tokens are (signature,
    /// tenant, issuer, audience, lifetime, a Tracker role) and bound to this sign-in by its nonce; with the groups
    /// the token lists, which decide the grants that apply.
    /// </summary>
    public async Task<(Caller Caller, string Oid, IReadOnlySet<string> Groups)> SignInAsync(string idToken, string nonce, CancellationToken ct)
    {
        var claims = await ValidatedAsync(idToken, [], ct);
        if (!string.Equals(claims.FindFirst("nonce")?.Value, nonce, StringComparison.Ordinal))
        {
            throw Problems.Unauthorized("The sign-in answer does not belong to this browser's sign-in (its nonce differs). Sign in again.", []);
        }
        return await CallerOfAsync(claims, [], ct);
    }

    /// <summary>
    /// A dashboard session of a person signed in with Entra ID, re-checked: null when the grants that apply to them
    /// changed since they signed in (<paramref name="scopeFingerprint"/>), so revoking or changing a grant ends the
    /// session within the grants' cache time. Their role is the token's from sign-in; a new sign-in picks up a new one.
    /// </summary>
    public async Task<Caller?> ResumeAsync(string oid, string name, Role role, IReadOnlySet<string> groups, string scopeFingerprint, CancellationToken ct)
    {
        if (_retriever is null)
        {
            return null;
        }
        var scope = await ScopeAsync(oid, groups, ct);
        return ScopeFingerprint(scope) == scopeFingerprint ? new Caller("entra:" + oid, name, role, scope) : null;
    }

    /// <summary>The portfolios a principal may see, as one string: "*" for all, else the sorted ids.</summary>
    public static string ScopeFingerprint(IReadOnlySet<string>? scope) => scope is null ? "*" : string.Join(",", scope.Order(StringComparer.Ordinal));

    private async Task<System.Security.Claims.ClaimsIdentity> ValidatedAsync(string token, IReadOnlyList<string> challenges, CancellationToken ct)
    {
        var result = await ValidateAsync(token, await KeysAsync(force: false, ct));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key id the cached keys lack: the tenant may have rolled its keys. Fetch them again (at most once per
            // KeyRefreshInterval) and try once more.
            result = await ValidateAsync(token, await KeysAsync(force: true, ct));
        }
        if (!result.IsValid)
        {
            LogRefused(result.Exception?.GetType().Name ?? "invalid");
            throw Problems.Unauthorized("The bearer token is not valid for this application: " + Reason(result.Exception), challenges);
        }
        return result.ClaimsIdentity;
    }

    private async Task<(Caller Caller, string Oid, IReadOnlySet<string> Groups)> CallerOfAsync(System.Security.Claims.ClaimsIdentity claims,
        IReadOnlyList<string> challenges, CancellationToken ct)
    {
        var tenant = claims.FindFirst("tid")?.Value;
        if (!string.Equals(tenant, _options.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            throw Problems.Unauthorized("The bearer token is from another tenant.", challenges);
        }
        var oid = claims.FindFirst("oid")?.Value ?? claims.FindFirst("sub")?.Value
            ?? throw Problems.Unauthorized("The bearer token names no principal (oid).", challenges);
        var role = RoleOf(claims.FindAll("roles").Select(c => c.Value))
            ?? throw Problems.Forbidden($"The token carries none of this application's roles: {ReaderRole}, {WriterRole} or {AdminRole}. Ask an Entra admin to assign one.");
        var name = claims.FindFirst("preferred_username")?.Value ?? claims.FindFirst("upn")?.Value ?? claims.FindFirst("name")?.Value ?? oid;
        var groups = claims.FindAll("groups").Select(c => c.Value.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        oid = oid.ToLowerInvariant();
        return (new Caller("entra:" + oid, name, role, await ScopeAsync(oid, groups, ct)), oid, groups);
    }

    /// <summary>Grants change: forget the cached list on this instance (others within 30 s).</summary>
    public void ForgetGrants() => _cache.Remove(GrantsCacheKey);

    /// <summary>
    /// The tenant's keys from its OpenID configuration, kept 12 hours; fetched again before that when forced (a token
    /// named an unknown key), at most once per KeyRefreshInterval. One fetch at a time.
    /// </summary>
    private async Task<OpenIdConnectConfiguration> KeysAsync(bool force, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_keys is { } cached && now - _fetchedAt < (force ? _options.KeyRefreshInterval : KeysCacheFor))
        {
            return cached;
        }
        await _fetching.WaitAsync(ct);
        try
        {
            if (_keys is { } fetched && _time.GetUtcNow() - _fetchedAt < (force ? _options.KeyRefreshInterval : KeysCacheFor))
            {
                return fetched;
            }
            _keys = await OpenIdConnectConfigurationRetriever.GetAsync(_options.Metadata.ToString(), _retriever!, ct);
            _fetchedAt = _time.GetUtcNow();
            LogKeysFetched(_keys.SigningKeys.Count);
            return _keys;
        }
        finally
        {
            _fetching.Release();
        }
    }

    private async Task<TokenValidationResult> ValidateAsync(string token, OpenIdConnectConfiguration configuration)
    {
        return await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuers = _options.Issuers,
            ValidAudiences = _options.AcceptedAudiences,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = _options.ClockSkew,
        });
    }

    /// <summary>The highest Tracker role among the token's app roles; null when it has none.</summary>
    public static Role? RoleOf(IEnumerable<string> roles) => roles.Select(role => role switch
    {
        AdminRole => Role.Admin,
        WriterRole => Role.Writer,
        ReaderRole => Role.Reader,
        _ => (Role?)null,
    }).Max();

    /// <summary>The portfolios a principal's grants (its own and its groups') allow; null (all) when it has none.</summary>
    private async Task<IReadOnlySet<string>?> ScopeAsync(string oid, IReadOnlySet<string> groups, CancellationToken ct)
    {
        var all = await _cache.GetOrCreateAsync(GrantsCacheKey, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = GrantsCacheFor;
            return await _grants.ActiveAsync(ct);
        }) ?? [];
        var mine = all.Where(g => g.PrincipalType == "user" ? g.PrincipalId == oid : groups.Contains(g.PrincipalId)).ToList();
        return mine.Count == 0 ? null : mine.SelectMany(g => g.PortfolioList).ToHashSet(StringComparer.Ordinal);
    }

    private static string Reason(Exception? e) => e switch
    {
        SecurityTokenExpiredException => "it has expired.",
        SecurityTokenNotYetValidException => "it is not valid yet.",
        SecurityTokenInvalidAudienceException => "it is for another audience.",
        SecurityTokenInvalidIssuerException => "it is from another issuer.",
        SecurityTokenSignatureKeyNotFoundException => "it is signed with a key the tenant does not publish.",
        SecurityTokenInvalidSignatureException => "its signature does not verify.",
        SecurityTokenInvalidAlgorithmException => "it is not signed with RS256.",
        SecurityTokenMalformedException => "it is not a JSON web token.",
        _ => "it does not validate.",
    };

    [LoggerMessage(LogLevel.Information, "Entra ID signing keys fetched: {KeyCount}")]
    private partial void LogKeysFetched(int keyCount);

    [LoggerMessage(LogLevel.Information, "Bearer token refused: {Reason}")]
    private partial void LogRefused(string reason);
}
