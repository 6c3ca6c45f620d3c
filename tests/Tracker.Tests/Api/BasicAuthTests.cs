using System.Net.Http.Headers;
using System.Text;

namespace Tracker.Tests.Api;

/// <summary>
/// HTTP Basic credentials with the API key as the password (what Power BI's scheduled refresh sends): the same answers
/// as the x-api-key header for every kind of key, a Basic challenge on every 401, and the password never in a log.
/// </summary>
[Collection("api")]
public sealed class BasicAuthTests(ApiFixture api)
{
    private const string Challenge = "Basic realm=\"Transformation Tracker\", charset=\"UTF-8\"";

    [Fact]
    public async Task BasicCredentialsGetTheAnswersTheKeyHeaderGets()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var other = await api.CreatePortfolioAsync();
        var reader = await api.CreateKeyAsync("reader");
        var scopedWriter = await api.CreateKeyAsync("writer", other);
        var revoked = await api.CreateKeyAsync("reader");
        var revokedId = revoked.Split('_')[1];
        (await api.Admin.DeleteAsync($"/api/keys/{revokedId}")).EnsureSuccessStatusCode();

        var cases = new (string Key, string Method, string Path, int Status)[]
        {
            (reader, "GET", "/api/odata/Portfolios", 200),
            (reader, "GET", $"/api/portfolios/{portfolio}", 200),
            (reader, "POST", "/api/portfolios", 403),
            (revoked, "GET", "/api/odata/Portfolios", 401),
            (scopedWriter, "GET", $"/api/portfolios/{portfolio}", 403),
            (scopedWriter, "GET", $"/api/portfolios/{other}", 200),
            ("tt_nosuchkey_c2VjcmV0", "GET", "/api/baselines", 401),
        };
        foreach (var (key, method, path, status) in cases)
        {
            using var header = api.Client(key);
            using var basic = Basic("powerbi", key);
            var byHeader = await SendAsync(header, method, path);
            var byBasic = await SendAsync(basic, method, path);
            Assert.True(status == (int)byHeader.StatusCode, $"x-api-key {method} {path}: {(int)byHeader.StatusCode}");
            Assert.True(status == (int)byBasic.StatusCode, $"Basic {method} {path}: {(int)byBasic.StatusCode}");
        }
        // The user name is never trusted: any will do, an empty one too.
        using var empty = Basic("", reader);
        await HttpAssert.JsonAsync(await empty.GetAsync("/api/baselines"), 200);
    }

    [Theory]
    [InlineData("Basic")]
    [InlineData("Basic !!!not-base64!!!")]
    [InlineData("Basic bm8tY29sb24=")] // "no-colon"
    [InlineData("Basic dXNlcjo=")] // "user:" (an empty password)
    public async Task MalformedOrEmptyBasicCredentialsAre401WithTheChallengeAndWriteNothing(string authorization)
    {
        using var client = api.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/portfolios")
        {
            Content = HttpAssert.Json("""{"id":"p-basic-nothing","name":"Nothing"}"""),
        };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await client.SendAsync(request);
        await HttpAssert.ProblemAsync(response, 401);
        Assert.Equal([Challenge], response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync("/api/portfolios/p-basic-nothing"), 404);
    }

    [Fact]
    public async Task EveryUnauthorizedAnswerCarriesTheBasicChallenge()
    {
        using var anonymous = api.Server.CreateClient();
        foreach (var path in new[] { "/api/portfolios", "/api/odata/", "/api/odata/$metadata", "/api/keys" })
        {
            var response = await anonymous.GetAsync(path);
            await HttpAssert.ProblemAsync(response, 401);
            Assert.Equal([Challenge], response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        }
        // Routes without a key challenge nobody.
        Assert.Empty((await anonymous.GetAsync("/api/health")).Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task ThePasswordNeverReachesTheLogs()
    {
        var key = await api.CreateKeyAsync("reader");
        // The whole secret (it may itself hold '_': the key's id is what comes before the first one after the prefix).
        Assert.True(Tracker.Security.KeySecrets.TryParse(key, out _, out var secret));
        Assert.True(secret.Length >= 32, secret);
        using var good = Basic("powerbi", key);
        await HttpAssert.JsonAsync(await good.GetAsync("/api/baselines"), 200);
        using var wrong = Basic("powerbi", key + "x");
        await HttpAssert.ProblemAsync(await wrong.GetAsync("/api/baselines"), 401);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("powerbi:" + key));
        Assert.NotEmpty(api.Server.Logs.Lines);
        Assert.DoesNotContain(api.Server.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal) || line.Contains(encoded, StringComparison.Ordinal));
    }

    private HttpClient Basic(string user, string key)
    {
        var client = api.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + key)));
        return client;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path) =>
        client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? HttpAssert.Json("""{"id":"p-basic-denied","name":"Denied"}""") : null,
        });
}
