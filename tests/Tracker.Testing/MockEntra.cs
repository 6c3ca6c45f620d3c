using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Testing;

/// <summary>
/// A real OpenID Connect provider on a free loopback port standing in for Microsoft Entra ID: oauth2-mock-server
/// (tests/oidc/mock-entra.mjs, pinned in package-lock.json) signs RS256 tokens with keys it publishes at its JWKS, and
/// the tests shape them like Entra's (tid, oid, roles, groups, the tenant's v1 and v2 issuers, the app's audience).
/// </summary>
public sealed class MockEntra : IAsyncDisposable
{
    public const string TenantId = "7a1d8a8e-3f43-4c5b-9f1e-1d2c3b4a5f60";
    public const string OtherTenantId = "0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e";
    public const string ClientId = "3c0b2a19-8f7e-4d6c-9b5a-4f3e2d1c0b9a";

    private readonly Process _process;
    private readonly HttpClient _http;

    private MockEntra(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _http = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public Uri MetadataAddress => new(Address, ".well-known/openid-configuration");

    public static string V2Issuer(string tenant = TenantId) => $"https://login.microsoftonline.com/{tenant}/v2.0";

    public static string V1Issuer(string tenant = TenantId) => $"https://sts.windows.net/{tenant}/";

    /// <summary>The settings that point the tracker at this provider for the tenant above.</summary>
    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Auth:Entra:TenantId"] = TenantId,
        ["Auth:Entra:ClientId"] = ClientId,
        ["Auth:Entra:MetadataAddress"] = MetadataAddress.ToString(),
        ["Auth:Entra:RequireHttpsMetadata"] = "false",
        ["Auth:Entra:KeyRefreshInterval"] = "00:00:01",
    };

    public static async Task<MockEntra> StartAsync()
    {
        var script = Path.Combine(RepoRoot.Find(), "tests", "oidc", "mock-entra.mjs");
        var process = Process.Start(new ProcessStartInfo("node", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot.Find(),
        }) ?? throw new InvalidOperationException("The mock OpenID Connect provider did not start.");
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))
            ?? throw new InvalidOperationException("The mock OpenID Connect provider exited: " + await process.StandardError.ReadToEndAsync());
        var port = JsonDocument.Parse(line).RootElement.GetProperty("port").GetInt32();
        return new MockEntra(process, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>
    /// A token as Entra issues it to a user of the tenant for the tracker: v2 issuer, the app's client id as audience,
    /// tid, oid, preferred_username, and the given app roles and groups; <paramref name="changes"/> overrides any claim
    /// (null removes it).
    /// </summary>
    public async Task<string> TokenAsync(string[] roles, string? oid = null, string[]? groups = null, string? user = "someone@contoso.example",
        IDictionary<string, object?>? changes = null, string? kid = null)
    {
        var claims = new JsonObject
        {
            ["iss"] = V2Issuer(),
            ["aud"] = ClientId,
            ["tid"] = TenantId,
            ["oid"] = oid ?? Guid.NewGuid().ToString(),
            ["preferred_username"] = user,
            ["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)JsonValue.Create(r)!)]),
            ["ver"] = "2.0",
        };
        if (groups is not null)
        {
            claims["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)JsonValue.Create(g)!)]);
        }
        foreach (var (name, value) in changes ?? new Dictionary<string, object?>())
        {
            claims[name] = value is null ? null : JsonSerializer.SerializeToNode(value);
        }
        var response = await _http.PostAsJsonAsync("mint", new { claims, kid });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>
    /// Shapes the tokens of the next browser sign-ins (authorization code flow) as Entra issues them to a user of the
    /// tenant: v2 issuer, tid, oid, preferred_username and the given app roles and groups.
    /// </summary>
    public async Task NextSignInAsync(string[] roles, string oid, string user, string[]? groups = null)
    {
        var claims = new JsonObject
        {
            ["iss"] = V2Issuer(),
            ["tid"] = TenantId,
            ["oid"] = oid,
            ["preferred_username"] = user,
            ["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)JsonValue.Create(r)!)]),
            ["ver"] = "2.0",
        };
        if (groups is not null)
        {
            claims["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)JsonValue.Create(g)!)]);
        }
        (await _http.PostAsJsonAsync("next-sign-in", new { claims })).EnsureSuccessStatusCode();
    }

    /// <summary>The query of the last authorization request a browser made (client_id, redirect_uri, code_challenge, ...).</summary>
    public Task<JsonElement> LastAuthorizeAsync() => _http.GetFromJsonAsync<JsonElement>("last-authorize");

    /// <summary>Publishes a new signing key and answers its key id (a tenant rolling its keys).</summary>
    public async Task<string> RotateAsync()
    {
        var response = await _http.PostAsync("rotate", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("kid").GetString()!;
    }

    /// <summary>The provider's public signing key (modulus), as the JWKS publishes it: the bytes an HS256 forgery would sign with.</summary>
    public async Task<byte[]> PublicKeyBytesAsync()
    {
        var jwks = await _http.GetFromJsonAsync<JsonElement>("jwks");
        return Encoding.UTF8.GetBytes(jwks.GetProperty("keys")[0].GetRawText());
    }

    /// <summary>A token with the given header and payload, signed HS256 with <paramref name="secret"/>, or unsigned for alg none.</summary>
    public static string Forge(JsonObject header, JsonObject payload, byte[]? secret)
    {
        var unsigned = Encode(header) + "." + Encode(payload);
        return unsigned + "." + (secret is null ? "" : Base64Url(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(unsigned))));
    }

    /// <summary>A token signed RS256 by a key nobody publishes, under the given key id.</summary>
    public static string SignWithUnpublishedKey(JsonObject payload, string kid)
    {
        using var rsa = RSA.Create(2048);
        var unsigned = Encode(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = kid }) + "." + Encode(payload);
        return unsigned + "." + Base64Url(rsa.SignData(Encoding.ASCII.GetBytes(unsigned), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>The header of a token.</summary>
    public static JsonObject HeaderOf(string token) => Decode(token.Split('.')[0]);

    /// <summary>The payload of a token, to build forgeries from a real one.</summary>
    public static JsonObject PayloadOf(string token) => Decode(token.Split('.')[1]);

    /// <summary>A JSON object as a token part (base64url, no padding).</summary>
    public static string Encode(JsonObject part) => Base64Url(Encoding.UTF8.GetBytes(part.ToJsonString()));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static JsonObject Decode(string part)
    {
        var base64 = part.Replace('-', '+').Replace('_', '/');
        return JsonNode.Parse(Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=')))!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
