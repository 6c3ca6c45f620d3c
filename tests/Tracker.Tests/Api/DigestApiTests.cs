using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tracker.Tests.Api;

[Collection("api")]
public sealed class DigestApiTests(ApiFixture api)
{
    [Fact]
    public async Task SubscriptionsAreCreatedListedReadAndDeleted()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var url = $"/api/portfolios/{portfolio}/subscriptions";
        var created = await HttpAssert.JsonAsync(await api.Admin.PostAsJsonAsync(url,
            new { email = "owner@example.com", cadence = "weekly", weekday = "monday", sendTime = "08:00", timeZone = "Europe/Amsterdam" }), 201);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("weekly", created.GetProperty("cadence").GetString());
        Assert.True(created.GetProperty("active").GetBoolean());

        var daily = await HttpAssert.JsonAsync(await api.Admin.PostAsJsonAsync(url, new { email = "cfo@example.com", cadence = "daily" }), 201);
        Assert.Equal("Europe/Amsterdam", daily.GetProperty("timeZone").GetString()); // the portfolio's, by default
        Assert.Equal("08:00", daily.GetProperty("sendTime").GetString());

        var list = await HttpAssert.JsonAsync(await api.Admin.GetAsync(url), 200);
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
        Assert.Equal("owner@example.com", (await HttpAssert.JsonAsync(await api.Admin.GetAsync($"{url}/{id}"), 200)).GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.DeleteAsync($"{url}/{id}")).StatusCode);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"{url}/{id}"), 404);
    }

    [Fact]
    public async Task SubscriptionValidationNamesEachBadField()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var problem = await HttpAssert.ProblemAsync(await api.Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/subscriptions",
            new { email = "not-an-address", cadence = "weekly", sendTime = "8 o'clock", timeZone = "Moon/Base" }), 400);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "email", "weekday", "sendTime", "timeZone" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }
        await HttpAssert.ProblemAsync(await api.Admin.PostAsync($"/api/portfolios/{portfolio}/subscriptions",
            HttpAssert.Json("""{"email":"a@example.com","cadence":"hourly"}""")), 400);
        using var reader = api.Client(await api.CreateKeyAsync("reader"));
        await HttpAssert.ProblemAsync(await reader.PostAsJsonAsync($"/api/portfolios/{portfolio}/subscriptions", new { email = "a@example.com", cadence = "daily" }), 403);
    }

    [Fact]
    public async Task ThePreviewIsTheDigestAsItWouldBeSentNow()
    {
        var portfolio = await api.CreatePortfolioAsync(timeZone: "UTC");
        var project = await api.CreateProjectAsync(portfolio, priority: "high");
        await HttpAssert.JsonAsync(await api.Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects/{project}/updates",
            new { reportedAt = DateTimeOffset.UtcNow.AddDays(-3).ToString("O"), percentComplete = 30 }), 201);
        using var reader = api.Client(await api.CreateKeyAsync("reader", portfolio));

        var preview = await HttpAssert.JsonAsync(await reader.PostAsync($"/api/portfolios/{portfolio}/digests:preview?cadence=daily", null), 200);

        Assert.StartsWith("Test portfolio " + portfolio + ": ahead on", preview.GetProperty("subject").GetString());
        Assert.Contains("cid:rates-chart", preview.GetProperty("html").GetString());
        Assert.Contains("Project " + project, preview.GetProperty("text").GetString());
        Assert.Equal("daily", preview.GetProperty("cadence").GetString());
        var png = Convert.FromBase64String(preview.GetProperty("chartPng").GetString()!);
        Assert.Equal(0x89, png[0]);
        await HttpAssert.ProblemAsync(await reader.PostAsync($"/api/portfolios/{portfolio}/digests:preview?cadence=monthly", null), 400);
    }

    [Fact]
    public async Task TheUnsubscribeLinkRefusesTokensItDidNotSign()
    {
        using var anonymous = api.Server.CreateClient();
        await HttpAssert.ProblemAsync(await anonymous.GetAsync("/api/digests/unsubscribe?token=abc.def"), 400);
        await HttpAssert.ProblemAsync(await anonymous.PostAsync("/api/digests/unsubscribe?token=", null), 400);
        var fake = Convert.ToBase64String("p-x\ns-y"u8.ToArray()).TrimEnd('=') + "." + new string('A', 43);
        await HttpAssert.ProblemAsync(await anonymous.PostAsync("/api/digests/unsubscribe?token=" + Uri.EscapeDataString(fake), null), 400);
    }
}
