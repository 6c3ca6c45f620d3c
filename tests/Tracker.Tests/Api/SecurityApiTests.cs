using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Tracker.Security;

namespace Tracker.Tests.Api;

[Collection("api")]
public sealed class SecurityApiTests(ApiFixture api)
{
    [Fact]
    public async Task AMissingKeyIs401()
    {
        using var anonymous = api.Server.CreateClient();
        await HttpAssert.ProblemAsync(await anonymous.GetAsync("/api/portfolios"), 401);
        await HttpAssert.ProblemAsync(await anonymous.GetAsync("/api/baselines"), 401);
    }

    [Fact]
    public async Task AnUnknownOrMalformedKeyIs401()
    {
        var real = await api.CreateKeyAsync("reader");
        var forged = real[..^4] + "AAAA";
        foreach (var key in new[] { "nonsense", forged, "tt_unknownid_c2VjcmV0" })
        {
            using var client = api.Client(key);
            await HttpAssert.ProblemAsync(await client.GetAsync("/api/portfolios"), 401);
        }
    }

    [Fact]
    public async Task AKeyWorksAsHeaderOrCodeQueryParameter()
    {
        var key = await api.CreateKeyAsync("reader");
        using var anonymous = api.Server.CreateClient();
        await HttpAssert.JsonAsync(await anonymous.GetAsync("/api/baselines?code=" + Uri.EscapeDataString(key)), 200);
        using var client = api.Client(key);
        await HttpAssert.JsonAsync(await client.GetAsync("/api/baselines"), 200);
    }

    [Fact]
    public async Task EachRoleReachesOnlyItsRoutes()
    {
        var portfolio = await api.CreatePortfolioAsync();
        using var reader = api.Client(await api.CreateKeyAsync("reader"));
        using var writer = api.Client(await api.CreateKeyAsync("writer"));

        await HttpAssert.JsonAsync(await reader.GetAsync($"/api/portfolios/{portfolio}/projects"), 200);
        await HttpAssert.ProblemAsync(await reader.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects",
            new { name = "X", category = "ai", startDate = "2026-01-01" }), 403);
        await HttpAssert.JsonAsync(await writer.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects",
            new { name = "X", category = "ai", startDate = "2026-01-01" }), 201);
        await HttpAssert.ProblemAsync(await writer.GetAsync("/api/keys"), 403);
        await HttpAssert.ProblemAsync(await writer.PostAsJsonAsync("/api/keys", new { name = "escalate", role = "admin" }), 403);
    }

    [Fact]
    public async Task AKeyScopedToOnePortfolioIsRefusedElsewhere()
    {
        var mine = await api.CreatePortfolioAsync();
        var other = await api.CreatePortfolioAsync();
        var project = await api.CreateProjectAsync(other);
        using var writer = api.Client(await api.CreateKeyAsync("writer", mine));

        await HttpAssert.ProblemAsync(await writer.PostAsJsonAsync($"/api/portfolios/{other}/projects/{project}/updates", new { percentComplete = 5 }), 403);
        await HttpAssert.ProblemAsync(await writer.PostAsJsonAsync("/api/portfolios", new { name = "Not allowed" }), 403);
        Assert.Empty((await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{other}/projects/{project}/updates"), 200)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task KeysAreListedReadAndRevokedWithoutTheirSecret()
    {
        var created = await HttpAssert.JsonAsync(await api.Admin.PostAsJsonAsync("/api/keys", new { name = "Power BI", role = "reader", portfolios = new[] { "p-emea" } }), 201);
        var id = created.GetProperty("id").GetString()!;
        var key = created.GetProperty("key").GetString()!;
        Assert.Equal(["p-emea"], created.GetProperty("portfolios").EnumerateArray().Select(p => p.GetString()!).ToArray());

        var read = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/keys/{id}"), 200);
        Assert.Equal(JsonValueKind.Null, read.GetProperty("key").ValueKind);
        Assert.Equal("reader", read.GetProperty("role").GetString());
        var listed = await HttpAssert.JsonAsync(await api.Admin.GetAsync("/api/keys?limit=1000"), 200);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), k => k.GetProperty("id").GetString() == id);
        Assert.DoesNotContain(key, listed.GetRawText(), StringComparison.Ordinal);

        using var client = api.Client(key);
        await HttpAssert.JsonAsync(await client.GetAsync("/api/baselines"), 200);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.DeleteAsync($"/api/keys/{id}")).StatusCode);
        await HttpAssert.ProblemAsync(await client.GetAsync("/api/baselines"), 401);
        Assert.NotEqual(JsonValueKind.Null, (await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/keys/{id}"), 200)).GetProperty("revokedAt").ValueKind);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync("/api/keys/no-such-key"), 404);
    }

    [Fact]
    public async Task KeyValidationNamesTheFields()
    {
        var problem = await HttpAssert.ProblemAsync(await api.Admin.PostAsJsonAsync("/api/keys", new { portfolios = new[] { "Bad Id" } }), 400);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("role", out _));
        Assert.True(errors.TryGetProperty("portfolios", out _));
    }

    [Fact]
    public async Task NoKeyIsStoredOrLoggedInClear()
    {
        var created = await HttpAssert.JsonAsync(await api.Admin.PostAsJsonAsync("/api/keys", new { name = "audit", role = "writer" }), 201);
        var key = created.GetProperty("key").GetString()!;
        // tt_{id}_{secret}: the secret is base64url and may itself hold '_', so it is what follows the id.
        var secret = key[$"tt_{created.GetProperty("id").GetString()}_".Length..];
        Assert.Equal(43, secret.Length);
        using var header = api.Client(key);
        await HttpAssert.JsonAsync(await header.GetAsync("/api/portfolios"), 200);
        using var anonymous = api.Server.CreateClient();
        await HttpAssert.JsonAsync(await anonymous.GetAsync("/api/portfolios?code=" + Uri.EscapeDataString(key)), 200);
        await HttpAssert.ProblemAsync(await anonymous.GetAsync("/api/portfolios?code=" + Uri.EscapeDataString(key + "x")), 401);

        var table = new TableServiceClient(api.Azurite.ConnectionString).GetTableClient(ApiKeyStore.Name);
        var row = (await table.GetEntityAsync<TableEntity>("key", created.GetProperty("id").GetString()!)).Value;
        foreach (var value in row.Select(p => p.Value))
        {
            var text = value is byte[] bytes ? Convert.ToBase64String(bytes) + System.Text.Encoding.UTF8.GetString(bytes) : value?.ToString() ?? "";
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
        Assert.IsType<byte[]>(row["SecretHash"]);
        Assert.IsType<byte[]>(row["Salt"]);

        Assert.NotEmpty(api.Server.Logs.Lines);
        Assert.DoesNotContain(api.Server.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(api.Server.Logs.Lines, line => line.Contains(ApiFixture.AdminKey, StringComparison.Ordinal));
    }
}
