using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Testing;

namespace Tracker.Tests.Api;

/// <summary>A server with Entra ID sign-in pointed at a real OpenID Connect provider on loopback, and a real Azurite.</summary>
public sealed class EntraFixture : IAsyncLifetime
{
    public const string AdminKey = "entra-admin-key-0123456789abcdefghijkl";

    public Azurite Azurite { get; private set; } = null!;

    public MockEntra Entra { get; private set; } = null!;

    public TestServer Server { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        Entra = await MockEntra.StartAsync();
        Server = await TestServer.StartAsync(Azurite.ConnectionString, AdminKey, Entra.Settings);
        Admin = Server.CreateClient(AdminKey);
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        await Entra.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public HttpClient Bearer(string token)
    {
        var client = Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> PortfolioAsync(string id)
    {
        var response = await Admin.PostAsJsonAsync("/api/portfolios", new { id, name = id, timeZone = "Europe/Amsterdam" });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        return id;
    }
}

[CollectionDefinition("entra")]
public sealed class EntraCollection : ICollectionFixture<EntraFixture>;

/// <summary>
/// Bearer tokens of Microsoft Entra ID beside API keys: app roles map to the tracker's roles, grants limit users and
/// groups to portfolios, and every token that is not the tenant's, for this app, now, signed by a published key with
/// RS256, is a 401 that writes nothing.
/// </summary>
[Collection("entra")]
public sealed class EntraTests(EntraFixture fixture)
{
    private MockEntra Entra => fixture.Entra;

    [Fact]
    public async Task AReaderTokenReadsAWriterTokenWritesAndTheUpdateRecordsWhoReportedIt()
    {
        var portfolio = await fixture.PortfolioAsync("p-entra-rw");
        using var reader = fixture.Bearer(await Entra.TokenAsync(["Tracker.Reader"], user: "rita@contoso.example"));
        using var writer = fixture.Bearer(await Entra.TokenAsync(["Tracker.Writer"], user: "walt@contoso.example"));

        await HttpAssert.JsonAsync(await reader.GetAsync($"/api/portfolios/{portfolio}"), 200);
        var denied = await reader.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects", new { id = "pr-denied", name = "Denied", category = "ai", startDate = "2026-01-01" });
        await HttpAssert.ProblemAsync(denied, 403);

        await HttpAssert.JsonAsync(await writer.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects",
            new { id = "pr-entra", name = "Entra", category = "ai", startDate = "2026-01-01" }), 201);
        var update = await HttpAssert.JsonAsync(await writer.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects/pr-entra/updates",
            new { percentComplete = 10 }), 201);
        Assert.Equal("walt@contoso.example", update.GetProperty("reportedBy").GetString());
        await HttpAssert.ProblemAsync(await fixture.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/pr-denied"), 404);
    }

    [Fact]
    public async Task KeysAndGrantsRecordWhoCreatedThem()
    {
        using var admin = fixture.Bearer(await Entra.TokenAsync(["Tracker.Admin"], user: "ada@contoso.example"));
        var key = await HttpAssert.JsonAsync(await admin.PostAsJsonAsync("/api/keys", new { name = "Power BI", role = "reader" }), 201);
        Assert.Equal("ada@contoso.example", key.GetProperty("createdBy").GetString());
        var grant = await HttpAssert.JsonAsync(await admin.PostAsJsonAsync("/api/grants",
            new { principalId = Guid.NewGuid(), principalType = "group", portfolios = new[] { "p-any" } }), 201);
        Assert.Equal("ada@contoso.example", grant.GetProperty("createdBy").GetString());
        var listed = await HttpAssert.JsonAsync(await admin.GetAsync($"/api/keys/{key.GetProperty("id").GetString()}"), 200);
        Assert.Equal("ada@contoso.example", listed.GetProperty("createdBy").GetString());
    }

    [Fact]
    public async Task ATokenWithoutATrackerRoleIs403NamingTheRoles()
    {
        using var client = fixture.Bearer(await Entra.TokenAsync(["Some.Other.Role"]));
        var problem = await HttpAssert.ProblemAsync(await client.GetAsync("/api/baselines"), 403);
        Assert.Contains("Tracker.Reader", problem.GetProperty("detail").GetString());
        Assert.Contains("Tracker.Admin", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UserAndGroupGrantsLimitWhatATokenSeesInListsAndTheFeed()
    {
        var mine = await fixture.PortfolioAsync("p-entra-mine");
        var theirs = await fixture.PortfolioAsync("p-entra-theirs");
        var team = await fixture.PortfolioAsync("p-entra-team");
        var oid = Guid.NewGuid().ToString();
        var group = Guid.NewGuid().ToString();
        var grant = await HttpAssert.JsonAsync(await fixture.Admin.PostAsJsonAsync("/api/grants",
            new { principalId = oid, principalType = "user", name = "Uma", portfolios = new[] { mine } }), 201);
        Assert.Equal("bootstrap admin", grant.GetProperty("createdBy").GetString());
        await HttpAssert.JsonAsync(await fixture.Admin.PostAsJsonAsync("/api/grants",
            new { principalId = group, principalType = "group", name = "Team", portfolios = new[] { team } }), 201);

        using var user = fixture.Bearer(await Entra.TokenAsync(["Tracker.Reader"], oid: oid));
        var listed = await HttpAssert.JsonAsync(await user.GetAsync("/api/portfolios"), 200);
        Assert.Equal([mine], listed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        await HttpAssert.ProblemAsync(await user.GetAsync($"/api/portfolios/{theirs}"), 403);
        var feed = JsonDocument.Parse(await (await user.GetAsync("/api/odata/Portfolios?$select=Id")).Content.ReadAsStringAsync());
        Assert.Equal([mine], feed.RootElement.GetProperty("value").EnumerateArray().Select(p => p.GetProperty("Id").GetString()));

        using var member = fixture.Bearer(await Entra.TokenAsync(["Tracker.Reader"], groups: [group]));
        await HttpAssert.JsonAsync(await member.GetAsync($"/api/portfolios/{team}"), 200);
        await HttpAssert.ProblemAsync(await member.GetAsync($"/api/portfolios/{mine}"), 403);

        // Revoking the grant lifts the limit (on this instance at once).
        (await fixture.Admin.DeleteAsync($"/api/grants/{grant.GetProperty("id").GetString()}")).EnsureSuccessStatusCode();
        await HttpAssert.JsonAsync(await user.GetAsync($"/api/portfolios/{theirs}"), 200);
    }

    [Fact]
    public async Task TheV1IssuerOfTheTenantAndTheApiUriAudienceAreAccepted()
    {
        using var v1 = fixture.Bearer(await Entra.TokenAsync(["Tracker.Reader"],
            changes: new Dictionary<string, object?> { ["iss"] = MockEntra.V1Issuer(), ["aud"] = "api://" + MockEntra.ClientId, ["ver"] = "1.0" }));
        await HttpAssert.JsonAsync(await v1.GetAsync("/api/baselines"), 200);
    }

    public static TheoryData<string> Refusals => ["expired", "not yet valid", "wrong audience", "wrong issuer", "another tenant", "tampered",
        "alg none", "HS256 with the public key", "unknown kid", "not a JWT"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task AnInvalidTokenIs401AndWritesNothing(string kind)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var valid = await Entra.TokenAsync(["Tracker.Admin"]);
        var token = kind switch
        {
            "expired" => await Entra.TokenAsync(["Tracker.Admin"], changes: new Dictionary<string, object?> { ["iat"] = now - 7200, ["nbf"] = now - 7200, ["exp"] = now - 600 }),
            "not yet valid" => await Entra.TokenAsync(["Tracker.Admin"], changes: new Dictionary<string, object?> { ["nbf"] = now + 900, ["exp"] = now + 4000 }),
            "wrong audience" => await Entra.TokenAsync(["Tracker.Admin"], changes: new Dictionary<string, object?> { ["aud"] = "https://graph.microsoft.com" }),
            "wrong issuer" => await Entra.TokenAsync(["Tracker.Admin"], changes: new Dictionary<string, object?> { ["iss"] = "https://evil.example/" + MockEntra.TenantId + "/v2.0" }),
            "another tenant" => await Entra.TokenAsync(["Tracker.Admin"],
                changes: new Dictionary<string, object?> { ["iss"] = MockEntra.V2Issuer(MockEntra.OtherTenantId), ["tid"] = MockEntra.OtherTenantId }),
            "tampered" => Tamper(valid),
            "alg none" => MockEntra.Forge(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }, MockEntra.PayloadOf(valid), null),
            "HS256 with the public key" => MockEntra.Forge(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = MockEntra.HeaderOf(valid)["kid"]!.GetValue<string>() },
                MockEntra.PayloadOf(valid), await Entra.PublicKeyBytesAsync()),
            "unknown kid" => MockEntra.SignWithUnpublishedKey(MockEntra.PayloadOf(valid), "kid-nobody-publishes"),
            _ => "not-a-jwt",
        };
        var id = "p-refused-" + kind.Replace(' ', '-').ToLowerInvariant();
        using var client = fixture.Bearer(token);
        var response = await client.PostAsJsonAsync("/api/portfolios", new { id, name = "Refused" });
        await HttpAssert.ProblemAsync(response, 401);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        await HttpAssert.ProblemAsync(await fixture.Admin.GetAsync($"/api/portfolios/{id}"), 404);
    }

    [Fact]
    public async Task ATokenInTheQueryStringIsRefused()
    {
        var token = await Entra.TokenAsync(["Tracker.Admin"]);
        using var anonymous = fixture.Server.CreateClient();
        foreach (var query in new[] { "access_token", "code" })
        {
            var response = await anonymous.PostAsJsonAsync($"/api/portfolios?{query}={Uri.EscapeDataString(token)}", new { id = "p-query-token", name = "Query" });
            await HttpAssert.ProblemAsync(response, 401);
        }
        await HttpAssert.ProblemAsync(await fixture.Admin.GetAsync("/api/portfolios/p-query-token"), 404);
    }

    [Fact]
    public async Task ARotatedSigningKeyIsPickedUpWithoutARestart()
    {
        using var before = fixture.Bearer(await Entra.TokenAsync(["Tracker.Reader"]));
        await HttpAssert.JsonAsync(await before.GetAsync("/api/baselines"), 200); // the keys are cached now
        var kid = await Entra.RotateAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // the least time between two refetches in these tests
        using var after = fixture.Bearer(await Entra.TokenAsync(["Tracker.Reader"], kid: kid));
        await HttpAssert.JsonAsync(await after.GetAsync("/api/baselines"), 200);
    }

    /// <summary>
    /// Power BI's Organizational account first calls with an empty bearer token and reads where to sign in from the
    /// 401 (Power Query connector docs, "Handling authentication"); the key schemes are offered too.
    /// </summary>
    [Fact]
    public async Task AnEmptyBearerTokenGetsTheChallengeWithTheTenantsAuthorizationUri()
    {
        using var client = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/odata/");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer");
        var response = await client.SendAsync(request);
        await HttpAssert.ProblemAsync(response, 401);
        var challenges = response.Headers.WwwAuthenticate.Select(h => h.ToString()).ToList();
        Assert.Contains($"Bearer authorization_uri=https://login.microsoftonline.com/{MockEntra.TenantId}/oauth2/authorize", challenges);
        Assert.Contains("Basic realm=\"Transformation Tracker\", charset=\"UTF-8\"", challenges);
    }

    /// <summary>The same signature over a payload that now claims another user.</summary>
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = MockEntra.PayloadOf(token);
        payload["oid"] = Guid.NewGuid().ToString();
        return parts[0] + "." + MockEntra.Encode(payload) + "." + parts[2];
    }
}
