using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Tracker.Api;
using Tracker.Security;
using Tracker.Storage;

namespace Tracker.Dashboard;

/// <summary>What a completed sign-in with Entra ID gives: the person, their groups (for grants) and where they were going.</summary>
public sealed record EntraPerson(Caller Caller, IReadOnlySet<string> Groups, string ReturnUrl);

/// <summary>
/// Sign-in to the dashboard with Microsoft Entra ID: the OpenID Connect authorization code flow with PKCE (S256),
/// done by the server in both hosts. The browser is sent to the tenant's authorization endpoint with a state, a nonce
/// and a code challenge; the state, nonce, code verifier and return address wait in a short-lived cookie the server
/// signs (so any instance can finish the sign-in). On the way back the state must match, the code is exchanged at
/// the token endpoint with the verifier (and the app's secret), and the ID token is validated as bearer tokens are
/// (<see cref="EntraAuthenticator"/>) and must carry the nonce. The session that follows is the dashboard's own.
/// </summary>
public sealed class EntraSignIn(EntraAuthenticator entra, IOptions<EntraOptions> options, DashboardSessions sessions, SigningKeys signing,
    PublicBaseUrl baseUrl, TimeProvider time)
{
    public const string CookieName = "tt_oidc";

    /// <summary>How long a person has to sign in at Entra before the waiting cookie expires.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(15) };

    public bool Enabled => options.Value.Enabled;

    /// <summary>Where to send the browser to sign in, and the cookie that waits for its return.</summary>
    public async Task<(string Location, string Cookie)> StartAsync(HttpRequest request, string returnUrl, CancellationToken ct)
    {
        var configuration = await entra.ConfigurationAsync(ct);
        var (state, nonce, verifier) = (Random(24), Random(24), Random(32));
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var expires = time.GetUtcNow() + Window;
        var waiting = string.Join('\n', state, nonce, verifier, returnUrl, expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var cookie = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(waiting)) + "." + await MacAsync(waiting, ct);
        var location = QueryHelpers.AddQueryString(configuration.AuthorizationEndpoint, new Dictionary<string, string?>
        {
            ["client_id"] = options.Value.ClientId,
            ["response_type"] = "code",
            ["response_mode"] = "query",
            ["redirect_uri"] = RedirectUri(request),
            ["scope"] = "openid profile",
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });
        return (location, sessions.Cookie(request, CookieName, cookie, Window));
    }

    /// <summary>
    /// The return from Entra: checks the state against the waiting cookie, redeems the code with the verifier and
    /// validates the ID token. A 401 page when anything does not match or Entra reports an error.
    /// </summary>
    public async Task<EntraPerson> CompleteAsync(HttpRequest request, CancellationToken ct)
    {
        var query = request.Query;
        if (query["error"].ToString() is { Length: > 0 } error)
        {
            throw Problems.Unauthorized($"Entra ID did not sign you in ({Trim(error)}: {Trim(query["error_description"].ToString())}).", []);
        }
        var waiting = await ReadWaitingAsync(request, ct)
            ?? throw Problems.Unauthorized("This sign-in has expired or was started in another browser. Sign in again.", []);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(query["state"].ToString()), Encoding.UTF8.GetBytes(waiting.State)))
        {
            throw Problems.Unauthorized("This sign-in answer is not the one this browser asked for (its state differs). Sign in again.", []);
        }
        var code = query["code"].ToString();
        if (code.Length is 0 or > 4096)
        {
            throw Problems.Unauthorized("Entra ID sent no authorization code. Sign in again.", []);
        }
        var configuration = await entra.ConfigurationAsync(ct);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = options.Value.ClientId!,
            ["code"] = code,
            ["redirect_uri"] = RedirectUri(request),
            ["code_verifier"] = waiting.Verifier,
            ["scope"] = "openid profile",
        };
        if (!string.IsNullOrEmpty(options.Value.ClientSecret))
        {
            form["client_secret"] = options.Value.ClientSecret;
        }
        using var answer = await Http.PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(form), ct);
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!answer.IsSuccessStatusCode || !body.TryGetProperty("id_token", out var idToken) || idToken.GetString() is not { Length: > 0 } token)
        {
            throw Problems.Unauthorized("Entra ID did not redeem the sign-in" + (body.TryGetProperty("error", out var e) ? $" ({Trim(e.ToString())})." : ".") + " Sign in again.", []);
        }
        var (caller, _, groups) = await entra.SignInAsync(token, waiting.Nonce, ct);
        return new EntraPerson(caller, groups, waiting.ReturnUrl);
    }

    /// <summary>The cookie that clears the waiting one once the sign-in is over.</summary>
    public string ClearCookie(HttpRequest request) => sessions.Cookie(request, CookieName, "", TimeSpan.Zero);

    private async Task<(string State, string Nonce, string Verifier, string ReturnUrl)?> ReadWaitingAsync(HttpRequest request, CancellationToken ct)
    {
        var cookie = request.Cookies[CookieName];
        if (cookie is null || cookie.Length > 2000 || cookie.Split('.') is not [var payload, var mac])
        {
            return null;
        }
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(payload));
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(await MacAsync(text, ct)), Encoding.ASCII.GetBytes(mac))
            || text.Split('\n') is not [var state, var nonce, var verifier, var returnUrl, var expires]
            || !long.TryParse(expires, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || DateTimeOffset.FromUnixTimeSeconds(seconds) < time.GetUtcNow())
        {
            return null;
        }
        return (state, nonce, verifier, Pages.LocalPath(returnUrl, DashboardRoutes.Portfolios));
    }

    /// <summary>The callback as registered in the app registration: the site's public address + /signin-oidc.</summary>
    private string RedirectUri(HttpRequest request) => baseUrl.For(request).TrimEnd('/') + DashboardRoutes.EntraCallback;

    private async Task<string> MacAsync(string text, CancellationToken ct) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(await signing.GetAsync(SigningKeys.Dashboard, ct), Encoding.UTF8.GetBytes("oidc:" + text)));

    private static string Random(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    private static string Trim(string text) => text.Length <= 200 ? text : text[..200];
}
