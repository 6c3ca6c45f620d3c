using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Testing;

namespace Tracker.Tests.Api;

/// <summary>One real Azurite and one real server on free loopback ports, shared by the API tests.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string AdminKey = "test-bootstrap-admin-key-0123456789abcdef";

    public Azurite Azurite { get; private set; } = null!;

    public TestServer Server { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        Server = await TestServer.StartAsync(Azurite.ConnectionString, AdminKey);
        Admin = Server.CreateClient(AdminKey);
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];

    /// <summary>Creates a key through the API and returns its secret.</summary>
    public async Task<string> CreateKeyAsync(string role, params string[] portfolios)
    {
        var body = new JsonObject { ["name"] = $"test {role}", ["role"] = role };
        if (portfolios.Length > 0)
        {
            body["portfolios"] = new JsonArray([.. portfolios.Select(p => JsonValue.Create(p))]);
        }
        var response = await Admin.PostAsJsonAsync("/api/keys", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    public HttpClient Client(string apiKey) => Server.CreateClient(apiKey);

    public async Task<string> CreatePortfolioAsync(string? id = null, string timeZone = "Europe/Amsterdam")
    {
        id ??= NewId("pf");
        var response = await Admin.PostAsJsonAsync("/api/portfolios", new { id, name = "Test portfolio " + id, timeZone, currency = "EUR", owner = "pmo@example.com" });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    public async Task<string> CreateProjectAsync(string portfolioId, string? id = null, string category = "cloud", string status = "active", string priority = "medium", decimal budget = 100_000)
    {
        id ??= NewId("pr");
        var response = await Admin.PostAsJsonAsync($"/api/portfolios/{portfolioId}/projects", new
        {
            id,
            name = "Project " + id,
            category,
            status,
            priority,
            startDate = "2026-01-05",
            targetDate = "2026-12-18",
            budget,
            customerEngagement = true,
            customerKpi = "NPS",
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    /// <summary>A new portfolio with one project in it.</summary>
    public async Task<(string PortfolioId, string ProjectId)> CreateProjectAsync()
    {
        var portfolio = await CreatePortfolioAsync();
        return (portfolio, await CreateProjectAsync(portfolio));
    }
}

[CollectionDefinition("api")]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
}

public static class HttpAssert
{
    /// <summary>Asserts an RFC 9457 problem with the status and returns its JSON.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        KeepsTheContract(response, text);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.StartsWith("https://", problem.GetProperty("type").GetString());
        return problem;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        KeepsTheContract(response, text);
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Every JSON answer an API test looks at is documented, and valid, in /api/openapi.json.</summary>
    private static void KeepsTheContract(HttpResponseMessage response, string text)
    {
        var broken = Testing.OpenApiContract.Problem(response, text);
        Assert.True(broken is null, broken);
    }

    public static HttpContent Json(string json, string mediaType = "application/json") =>
        new StringContent(json, System.Text.Encoding.UTF8, mediaType);
}

/// <summary>Runs a job over HTTP as an admin would: <c>POST /api/jobs/{job}:run</c>, then polls <c>GET /api/jobs</c> until the run ends.</summary>
public static class JobsOverHttp
{
    public static async Task<System.Text.Json.JsonElement> RunAsync(HttpClient admin, string job, int seconds = 60)
    {
        var run = await HttpAssert.JsonAsync(await admin.PostAsync($"/api/jobs/{job}:run", null), 202);
        var id = run.GetProperty("id").GetString();
        for (var i = 0; i < seconds * 10; i++)
        {
            var runs = await HttpAssert.JsonAsync(await admin.GetAsync($"/api/jobs?job={job}"), 200);
            var found = runs.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetString() == id);
            if (found.GetProperty("outcome").GetString() != "running")
            {
                return found;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the {job} run did not finish within {seconds} s");
    }
}
