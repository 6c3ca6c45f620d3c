using System.Net.Http.Json;
using System.Text.Json;
using Tracker.Testing;

namespace Tracker.Tests.Api;

/// <summary>Each input that answered 500 or 503, a bare 404, or a half-named validation before the hardening.</summary>
[Collection("api")]
public sealed class HardeningTests(ApiFixture api)
{
    [Theory]
    [InlineData("to=9999-12-31")]
    [InlineData("from=0001-01-01")]
    [InlineData("from=0001-01-01&to=9999-12-31")]
    public async Task DatesAtTheEndsOfTheCalendarAreRanges(string query)
    {
        var (portfolio, project) = await api.CreateProjectAsync();
        await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/{project}/updates?{query}"), 200);
    }

    [Theory]
    [InlineData("metrics?asOf=0001-01-01", "asOf")]
    [InlineData("metrics/history?to=0001-01-01", "to")]
    [InlineData("metrics/history?from=0001-01-01&to=2026-01-01", "from")]
    public async Task MetricDatesBeforeAnyDataAreNamed(string path, string field)
    {
        var (portfolio, _) = await api.CreateProjectAsync();
        var problem = await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/{path}"), 400);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("W/")]
    [InlineData("*x")]
    [InlineData("null")]
    [InlineData("\"unterminated")]
    [InlineData("W/\"a\" \"b\"")]
    public async Task AMalformedIfMatchIs400AndChangesNothing(string ifMatch)
    {
        var (portfolio, project) = await api.CreateProjectAsync();
        foreach (var path in new[] { $"/api/portfolios/{portfolio}", $"/api/portfolios/{portfolio}/projects/{project}" })
        {
            var before = await api.Admin.GetStringAsync(path);
            var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = HttpAssert.Json("""{"name":"Changed"}""", "application/merge-patch+json") };
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            var problem = await HttpAssert.ProblemAsync(await api.Admin.SendAsync(request), 400);
            Assert.True(problem.GetProperty("errors").TryGetProperty("If-Match", out _));
            Assert.Equal(before, await api.Admin.GetStringAsync(path));
        }
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"nope\"")]
    [InlineData("W/\"datetime'2001-01-01T00%3A00%3A00Z'\"")]
    [InlineData("\"a\", \"b\"")]
    public async Task AWellFormedStaleIfMatchIs412(string ifMatch)
    {
        var (portfolio, project) = await api.CreateProjectAsync();
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/portfolios/{portfolio}/projects/{project}")
        {
            Content = HttpAssert.Json("""{"name":"Changed"}""", "application/merge-patch+json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        await HttpAssert.ProblemAsync(await api.Admin.SendAsync(request), 412);
    }

    [Fact]
    public async Task ANonAsciiIfMatchIs400NotARetryable503()
    {
        var (portfolio, _) = await api.CreateProjectAsync();
        var response = await RawHttp.SendAsync(api.Server.Address, "DELETE", $"/api/portfolios/{portfolio}",
            [("x-api-key", ApiFixture.AdminKey), ("If-Match", "\"étag\"")]);
        Assert.Equal(400, response.Status);
        Assert.DoesNotContain("Retry-After", response.Headers, StringComparison.OrdinalIgnoreCase);
        await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}"), 200);
    }

    [Theory]
    [InlineData("GET", "/api/portfolios/..")]
    [InlineData("GET", "/api/portfolios/p/projects/../nothing")]
    [InlineData("GET", "/api/nothing-here")]
    [InlineData("GET", "/api/odata/Projects/extra/segments")]
    public async Task UnmatchedPathsAreProblemDetails404s(string method, string target)
    {
        var response = await RawHttp.SendAsync(api.Server.Address, method, target, [("x-api-key", ApiFixture.AdminKey)]);
        Assert.Equal(404, response.Status);
        Assert.Contains("application/problem+json", response.Headers, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(404, JsonDocument.Parse(response.Body).RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task AnUnsupportedMethodIsAProblemDetails405WithAllow()
    {
        var response = await api.Admin.PutAsync("/api/portfolios", HttpAssert.Json("{}"));
        await HttpAssert.ProblemAsync(response, 405);
        Assert.Equal(["GET", "POST"], response.Content.Headers.Allow.Order().ToArray());
    }

    [Fact]
    public async Task AContinuationTokenWithItsStoragePartReplacedIs400()
    {
        var (portfolio, _) = await api.CreateProjectAsync();
        for (var i = 0; i < 3; i++)
        {
            await api.Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects", new { id = $"extra-{i}", name = "Extra", category = "ai", startDate = "2026-01-01" });
        }
        var page = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects?limit=1"), 200);
        var token = page.GetProperty("continuationToken").GetString()!;
        var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[0]));
        var forgedPayload = payload[..payload.LastIndexOf('\n')] + "\nNextPartitionKey=zzz NextRowKey=zzz";
        var forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(forgedPayload)) + "." + token.Split('.')[1];
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects?limit=1&continuationToken={Uri.EscapeDataString(forged)}"), 400);
        await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects?limit=1&continuationToken={Uri.EscapeDataString(token)}"), 200);
    }

    [Fact]
    public async Task EveryInvalidFieldIsNamedInOneAnswer()
    {
        var (portfolio, _) = await api.CreateProjectAsync();
        var response = await api.Admin.PostAsync($"/api/portfolios/{portfolio}/projects",
            HttpAssert.Json("""{"name":"","category":"blockchain","priority":"urgent","status":"Active","owner":"not-an-address"}"""));
        var errors = (await HttpAssert.ProblemAsync(response, 400)).GetProperty("errors");
        foreach (var field in new[] { "name", "category", "priority", "status", "owner", "startDate" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field} is not named: {errors}");
        }
    }

    /// <summary>Enum values are matched exactly as the API writes them (lower camelCase), in bodies and queries alike.</summary>
    [Theory]
    [InlineData("/api/portfolios/{p}/projects", """{"name":"X","category":"ai","startDate":"2026-01-01","priority":"High"}""", "priority")]
    [InlineData("/api/keys", """{"name":"X","role":"Admin"}""", "role")]
    [InlineData("/api/portfolios/{p}/subscriptions", """{"email":"a@example.com","cadence":"Weekly","weekday":"monday"}""", "cadence")]
    [InlineData("/api/portfolios/{p}/subscriptions", """{"email":"a@example.com","cadence":"weekly","weekday":"Monday"}""", "weekday")]
    public async Task EnumsAreMatchedExactlyEverywhere(string path, string body, string field)
    {
        var (portfolio, _) = await api.CreateProjectAsync();
        var problem = await HttpAssert.ProblemAsync(await api.Admin.PostAsync(path.Replace("{p}", portfolio), HttpAssert.Json(body)), 400);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects?priority=High"), 400);
    }
}

/// <summary>Rate limits, on a server of their own with small buckets.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const string AdminKey = "rate-limit-admin-key-0123456789abcdef0123";
    private Azurite _azurite = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _server = await TestServer.StartAsync(_azurite.ConnectionString, AdminKey, new Dictionary<string, string?>
        {
            ["RateLimits:PerKeyBurst"] = "10",
            ["RateLimits:PerKeyPerSecond"] = "1",
            ["RateLimits:PerAddressBurst"] = "5",
            ["RateLimits:PerAddressPerSecond"] = "1",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task ABurstOverTheKeysBucketIs429WithRetryAfterAndOtherKeysGoOn()
    {
        using var admin = _server.CreateClient(AdminKey);
        var created = await HttpAssert.JsonAsync(await admin.PostAsJsonAsync("/api/keys", new { name = "other", role = "reader" }), 201);
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => admin.GetAsync("/api/baselines")));
        var limited = responses.Where(r => (int)r.StatusCode == 429).ToList();
        Assert.InRange(limited.Count, 5, 21); // burst 10 (one spent creating the other key), then 1 a second: most of the rest are refused
        Assert.All(responses, r => Assert.True((int)r.StatusCode is 200 or 429));
        var problem = await HttpAssert.ProblemAsync(limited[0], 429);
        Assert.Contains("rate limit", problem.GetProperty("detail").GetString());
        Assert.True(limited[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        using var other = _server.CreateClient(created.GetProperty("key").GetString());
        await HttpAssert.JsonAsync(await other.GetAsync("/api/baselines"), 200);
    }

    [Fact]
    public async Task UnauthenticatedRoutesAreLimitedPerClientAddress()
    {
        using var anonymous = _server.CreateClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, 15).Select(_ => anonymous.PostAsync("/api/digests/unsubscribe?token=x", null)));
        Assert.Contains(responses, r => (int)r.StatusCode == 429);
        Assert.All(responses, r => Assert.True((int)r.StatusCode is 400 or 429));
    }
}
