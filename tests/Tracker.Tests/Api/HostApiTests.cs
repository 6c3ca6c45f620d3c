using System.Net.Http.Json;
using System.Text.Json;
using Tracker.Api;

namespace Tracker.Tests.Api;

[Collection("api")]
public sealed class HostApiTests(ApiFixture api)
{
    [Fact]
    public async Task HealthNeedsNoKeyAndReportsStorage()
    {
        using var anonymous = api.Server.CreateClient();
        var health = await HttpAssert.JsonAsync(await anonymous.GetAsync("/api/health"), 200);
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal("reachable", health.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task BaselinesAreTheSurveyValuesWithSources()
    {
        using var reader = api.Client(await api.CreateKeyAsync("reader"));
        var page = await HttpAssert.JsonAsync(await reader.GetAsync("/api/baselines"), 200);
        var byId = page.GetProperty("items").EnumerateArray().ToDictionary(b => b.GetProperty("id").GetString()!, b => b);
        Assert.Equal(0.62, byId["priority"].GetProperty("value").GetDouble());
        Assert.Equal(0.58, byId["speed"].GetProperty("value").GetDouble());
        Assert.Equal(0.56, byId["investment"].GetProperty("value").GetDouble());
        Assert.Equal(0.36, byId["customerOutcomeLink"].GetProperty("value").GetDouble());
        Assert.Equal(8, byId.Count);
        Assert.Contains("Pegasystems", byId["cloud"].GetProperty("source").GetString());
        Assert.Contains("BDO", byId["customerOutcomeLink"].GetProperty("source").GetString());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryRoute()
    {
        using var anonymous = api.Server.CreateClient();
        var document = await HttpAssert.JsonAsync(await anonymous.GetAsync("/api/openapi.json"), 200);
        var paths = document.GetProperty("paths");
        foreach (var route in RouteTable.All.Where(r => r.Name != "OpenApi"))
        {
            var path = Testing.RouteSamples.OpenApiPath(route.Template);
            Assert.True(paths.TryGetProperty(path, out var item), $"OpenAPI lacks {path}");
            Assert.True(item.TryGetProperty(route.Method.ToLowerInvariant(), out var operation), $"OpenAPI lacks {route.Method} {path}");
            Assert.Equal(route.Name, operation.GetProperty("operationId").GetString());
        }
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("x-api-key", schemes.GetProperty("apiKeyHeader").GetProperty("name").GetString());
    }

    /// <summary>The Functions host serves the committed copy of the server's live document; they must not drift.</summary>
    [Fact]
    public async Task TheEmbeddedOpenApiDocumentIsTheServersDocument()
    {
        using var anonymous = api.Server.CreateClient();
        var live = System.Text.Json.Nodes.JsonNode.Parse(await anonymous.GetStringAsync("/api/openapi.json"))!.AsObject();
        var options = new JsonSerializerOptions { WriteIndented = true };
        var expected = live.ToJsonString(options) + "\n";
        if (Environment.GetEnvironmentVariable("TRACKER_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(Path.Combine(Testing.RepoRoot.Find(), "src", "Tracker", "Api", "openapi.json"), expected);
            return;
        }
        Assert.True(expected == System.Text.Encoding.UTF8.GetString(OpenApiHandlers.Embedded),
            "src/Tracker/Api/openapi.json is stale: run the tests once with TRACKER_UPDATE_OPENAPI=1 and commit it.");
    }

    /// <summary>HTTP/1.0 allows a request without Host; the feed then links to the address the request arrived on.</summary>
    [Theory]
    [InlineData("/api/odata/")]
    [InlineData("/api/odata/$metadata")]
    [InlineData("/api/odata/Baselines")]
    [InlineData("/api/odata/Baselines/$count")]
    public async Task TheFeedAnswersARequestWithoutAHostHeader(string path)
    {
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(api.Server.Address.Host, api.Server.Address.Port);
        var stream = socket.GetStream();
        var request = $"GET {path} HTTP/1.0\r\nx-api-key: {ApiFixture.AdminKey}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        var response = await new StreamReader(stream).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200", response);
        if (!path.Contains('$'))
        {
            Assert.Contains($"\"@odata.context\":\"http://{api.Server.Address.Host}:{api.Server.Address.Port}/api/odata/", response);
        }
    }

    [Fact]
    public async Task EveryRouteOfTheTableIsServed()
    {
        using var anonymous = api.Server.CreateClient();
        foreach (var route in RouteTable.All.Where(r => r.Name is not ("Health" or "OpenApi")))
        {
            foreach (var path in Testing.RouteSamples.All(route.Template))
            {
                var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), path));
                // Without a key, every mapped route answers 401 from the shared pipeline (an unmapped one would be 404/405);
                // the unsubscribe link needs no key but a signed token, so without one it is a 400; the pages of
                // update-request links (form, opt-out) answer a 403 page that says the link is not valid.
                if (route.Template is Routes.UpdateForm or Routes.UpdateRequestsUnsubscribe)
                {
                    Assert.Equal((System.Net.HttpStatusCode.Forbidden, "text/html"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
                    Assert.Contains("This link is not valid", await response.Content.ReadAsStringAsync());
                    continue;
                }
                await HttpAssert.ProblemAsync(response, route.Template == Routes.Unsubscribe ? 400 : 401);
            }
        }
    }
}

/// <summary>Storage that cannot be reached gives 503 with Retry-After, never 500.</summary>
public sealed class StorageDownTests
{
    [Fact]
    public async Task UnreachableStorageAtStartGives503WithRetryAfter()
    {
        var deadPort = Testing.Azurite.FreePort();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:{deadPort}/devstoreaccount1;";
        await using var server = await Testing.TestServer.StartAsync(connection, ApiFixture.AdminKey, new Dictionary<string, string?> { ["Storage:MaxRetries"] = "0" });
        using var client = server.CreateClient(ApiFixture.AdminKey);

        var health = await client.GetAsync("/api/health");
        await HttpAssert.ProblemAsync(health, 503);
        Assert.NotNull(health.Headers.RetryAfter);

        var create = await client.PostAsJsonAsync("/api/portfolios", new { name = "Nowhere" });
        await HttpAssert.ProblemAsync(create, 503);
        Assert.NotNull(create.Headers.RetryAfter);
        await HttpAssert.ProblemAsync(await client.GetAsync("/api/portfolios/p-any/projects"), 503);
    }

    [Fact]
    public async Task StorageGoingDownWhileRunningGives503()
    {
        var azurite = await Testing.Azurite.StartAsync();
        await using var server = await Testing.TestServer.StartAsync(azurite.ConnectionString, ApiFixture.AdminKey, new Dictionary<string, string?> { ["Storage:MaxRetries"] = "0" });
        using var client = server.CreateClient(ApiFixture.AdminKey);
        var created = await HttpAssert.JsonAsync(await client.PostAsJsonAsync("/api/portfolios", new { name = "Before" }), 201);

        await azurite.DisposeAsync();

        var read = await client.GetAsync($"/api/portfolios/{created.GetProperty("id").GetString()}");
        await HttpAssert.ProblemAsync(read, 503);
        Assert.NotNull(read.Headers.RetryAfter);
        Assert.DoesNotContain(server.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
        var posted = await client.PostAsJsonAsync("/api/portfolios", new { name = "During" });
        Assert.Equal(503, (int)posted.StatusCode);
        _ = JsonDocument.Parse(await posted.Content.ReadAsStringAsync());
    }
}
