using System.Net.Http.Json;
using System.Text;

namespace Tracker.Tests.Api;

/// <summary>The error classes of writes: malformed bodies, sizes, media types and idempotency.</summary>
[Collection("api")]
public sealed class WriteSafetyTests(ApiFixture api)
{
    [Fact]
    public async Task MalformedJsonIs400AndWritesNothing()
    {
        var id = ApiFixture.NewId("pf");
        var response = await api.Admin.PostAsync("/api/portfolios", HttpAssert.Json("{\"id\":\"" + id + "\",\"name\": \"Broken\""));
        var problem = await HttpAssert.ProblemAsync(response, 400);
        Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{id}"), 404);
    }

    [Fact]
    public async Task AWrongMediaTypeIs415()
    {
        var response = await api.Admin.PostAsync("/api/portfolios", new StringContent("""{"name":"x"}""", Encoding.UTF8, "text/plain"));
        await HttpAssert.ProblemAsync(response, 415);
        var patch = await api.Admin.PatchAsync("/api/portfolios/whatever", new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await HttpAssert.ProblemAsync(patch, 415);
    }

    [Fact]
    public async Task ABodyOverOneMebibyteIs413()
    {
        var note = new string('x', 1024 * 1024);
        var response = await api.Admin.PostAsync("/api/portfolios", HttpAssert.Json($"{{\"name\":\"{note}\"}}"));
        await HttpAssert.ProblemAsync(response, 413);

        var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/portfolios")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"name\":\"{note}\"}}"))),
        };
        chunked.Content.Headers.ContentType = new("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        await HttpAssert.ProblemAsync(await api.Admin.SendAsync(chunked), 413);
    }

    [Fact]
    public async Task AReplayedPostWritesOnceAndReturnsTheFirstResponse()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var project = await api.CreateProjectAsync(portfolio);
        var url = $"/api/portfolios/{portfolio}/projects/{project}/updates";
        var key = Guid.NewGuid().ToString();

        async Task<HttpResponseMessage> Post()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = HttpAssert.Json("""{"reportedAt":"2026-03-01T10:00:00Z","percentComplete":20}""") };
            request.Headers.Add("Idempotency-Key", key);
            return await api.Admin.SendAsync(request);
        }

        var first = await Post();
        var firstBody = await first.Content.ReadAsStringAsync();
        var second = await Post();
        Assert.Equal(201, (int)first.StatusCode);
        Assert.Equal(201, (int)second.StatusCode);
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync());
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));

        var history = await HttpAssert.JsonAsync(await api.Admin.GetAsync(url), 200);
        Assert.Equal(1, history.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task ConcurrentRetriesWithOneIdempotencyKeyCreateOnePortfolio()
    {
        var key = Guid.NewGuid().ToString();
        var name = "Once " + key;
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/portfolios") { Content = JsonContent.Create(new { name }) };
            request.Headers.Add("Idempotency-Key", key);
            return api.Admin.SendAsync(request);
        }));
        Assert.All(responses, r => Assert.True((int)r.StatusCode is 201 or 409, $"got {(int)r.StatusCode}"));
        var ids = new HashSet<string>();
        foreach (var r in responses.Where(r => (int)r.StatusCode == 201))
        {
            ids.Add((await HttpAssert.JsonAsync(r, 201)).GetProperty("id").GetString()!);
        }
        Assert.Single(ids);
        var listed = await HttpAssert.JsonAsync(await api.Admin.GetAsync("/api/portfolios?limit=1000"), 200);
        Assert.Single(listed.GetProperty("items").EnumerateArray(), p => p.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task AnIdempotencyKeyReusedWithAnotherBodyIs422()
    {
        var key = Guid.NewGuid().ToString();
        var first = new HttpRequestMessage(HttpMethod.Post, "/api/portfolios") { Content = JsonContent.Create(new { name = "One" }) };
        first.Headers.Add("Idempotency-Key", key);
        await HttpAssert.JsonAsync(await api.Admin.SendAsync(first), 201);

        var second = new HttpRequestMessage(HttpMethod.Post, "/api/portfolios") { Content = JsonContent.Create(new { name = "Two" }) };
        second.Headers.Add("Idempotency-Key", key);
        await HttpAssert.ProblemAsync(await api.Admin.SendAsync(second), 422);
        var listed = await HttpAssert.JsonAsync(await api.Admin.GetAsync("/api/portfolios?limit=1000"), 200);
        Assert.DoesNotContain(listed.GetProperty("items").EnumerateArray(), p => p.GetProperty("name").GetString() == "Two");
    }

    [Fact]
    public async Task AFailedIdempotentRequestCanBeRetriedWithAFixedBody()
    {
        var key = Guid.NewGuid().ToString();
        var bad = new HttpRequestMessage(HttpMethod.Post, "/api/portfolios") { Content = JsonContent.Create(new { name = "" }) };
        bad.Headers.Add("Idempotency-Key", key);
        await HttpAssert.ProblemAsync(await api.Admin.SendAsync(bad), 400);

        var good = new HttpRequestMessage(HttpMethod.Post, "/api/portfolios") { Content = JsonContent.Create(new { name = "Fixed" }) };
        good.Headers.Add("Idempotency-Key", key);
        await HttpAssert.JsonAsync(await api.Admin.SendAsync(good), 201);
    }
}
