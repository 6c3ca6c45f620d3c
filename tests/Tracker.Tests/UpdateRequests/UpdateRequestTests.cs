using System.Net;
using System.Net.Http.Json;
using Tracker.Common;
using Tracker.Tests.Api;
using Tracker.UpdateRequests;

namespace Tracker.Tests.UpdateRequests;

/// <summary>Update requests end to end: the job and maildev, the signed form over HTTP, and what it records.</summary>
public sealed class UpdateRequestTests
{
    [Fact]
    public async Task OnlyDueOwnersGetOneMailWithAllTheirProjectsAndASecondRunSendsNothing()
    {
        await using var world = await RequestWorld.StartAsync();

        var run = await world.RunJobAsync();

        Assert.Equal("succeeded", run.GetProperty("outcome").GetString());
        Assert.Equal(2, run.GetProperty("counts").GetProperty("sent").GetInt32());
        var mails = await world.MailsAsync();
        Assert.Equal(["ana@example.com", "dora@example.com"], mails.Keys.Order(StringComparer.Ordinal));
        var ana = Assert.Single(mails["ana@example.com"]);
        Assert.Equal("Progress update requested: 2 projects in EMEA transformation", ana.Subject);
        Assert.Contains("/api/update-form?token=", world.FormLink(ana, "Alpha migration"));
        Assert.Contains("/api/update-form?token=", world.FormLink(ana, "Beta CRM"));
        Assert.Contains("40% complete", ana.HtmlBody);
        Assert.Contains("Landing zone live", ana.HtmlBody); // alpha's last note, with its date
        Assert.Contains("2026-02-20", ana.HtmlBody);
        Assert.Empty(ana.Cc); // the first request: the portfolio owner is not copied
        Assert.StartsWith("<https://tracker.example.com/api/update-requests/unsubscribe?token=", ana.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", ana.Headers["List-Unsubscribe-Post"]);
        Assert.DoesNotContain("Gamma AI", ana.HtmlBody);
        Assert.Contains("Epsilon portal", Assert.Single(mails["dora@example.com"]).HtmlBody);

        // The same period again — the job's next hourly run, or :send — sends nothing.
        world.Time.Advance(TimeSpan.FromHours(1));
        var second = await world.RunJobAsync();
        Assert.Equal(0, second.GetProperty("counts").GetProperty("sent").GetInt32());
        var send = await HttpAssert.JsonAsync(await world.Admin.PostAsync("/api/portfolios/p-req/update-requests:send", null), 200);
        Assert.Equal((0, 2), (send.GetProperty("sent").GetInt32(), send.GetProperty("alreadySent").GetInt32()));
        Assert.Equal(2, (await world.Mail.EmailsAsync()).Count);
    }

    /// <summary>
    /// The dashboard's update-requests page shows what :preview shows and its button sends as :send does. The world's
    /// public address is https, so its cookies are Secure: this test carries them by hand over loopback http.
    /// </summary>
    [Fact]
    public async Task TheDashboardPreviewsTheRequestsAndItsButtonSendsThem()
    {
        await using var world = await RequestWorld.StartAsync();
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = world.Server.Address };
        var signInForm = await browser.GetAsync("/sign-in");
        var signInCookie = CookieOf(signInForm, "tt_signin");
        var signedIn = await browser.SendAsync(FormPost("/sign-in", signInCookie, ("_csrf", Dashboard.DashboardTests.Token(await signInForm.Content.ReadAsStringAsync())),
            ("key", RequestWorld.AdminKey)));
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        var session = CookieOf(signedIn, "tt_session");

        using var get = new HttpRequestMessage(HttpMethod.Get, "/portfolios/p-req/update-requests");
        get.Headers.Add("Cookie", session);
        var page = await (await browser.SendAsync(get)).Content.ReadAsStringAsync();
        Assert.Contains("ana@example.com", page);
        Assert.Contains("Alpha migration", page);
        Assert.Contains("dora@example.com", page);
        Assert.Empty(await world.Mail.EmailsAsync()); // the page sends nothing

        var sent = await browser.SendAsync(FormPost("/portfolios/p-req/update-requests", session, ("_csrf", Dashboard.DashboardTests.Token(page))));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("Sent 2 requests", await sent.Content.ReadAsStringAsync());
        Assert.Equal(["ana@example.com", "dora@example.com"], (await world.MailsAsync()).Keys.Order(StringComparer.Ordinal));
    }

    private static string CookieOf(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal)).Split(';')[0];

    private static HttpRequestMessage FormPost(string path, string cookie, params (string Name, string Value)[] fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))) };
        request.Headers.Add("Cookie", cookie);
        return request;
    }

    /// <summary>
    /// Update requests come from their own sender (not the digests'), and say the day of each project's last update
    /// with the count to the send day, the rule digests follow too (docs/metrics.md §5).
    /// </summary>
    [Fact]
    public async Task RequestsComeFromTheirOwnSenderAndNameTheDayOfTheLastUpdate()
    {
        await using var world = await RequestWorld.StartAsync();
        await world.RunJobAsync();
        var ana = Assert.Single((await world.MailsAsync())["ana@example.com"]);
        Assert.Equal("update-requests@transformation-tracker.local", ana.From.Mailboxes.Single().Address);
        Assert.Matches(@"No update since \d{1,2} [A-Z][a-z]+ \d{4}, 10 days ago", ana.HtmlBody);
        Assert.Matches(@"no update since \d{1,2} [A-Z][a-z]+ \d{4}, 10 days ago", ana.TextBody);
    }

    [Fact]
    public async Task TheFormShowsTheCurrentValuesAndItsPostIsAnUpdateInHistoryAndMetrics()
    {
        await using var world = await RequestWorld.StartAsync();
        await HttpAssert.JsonAsync(await world.Admin.PostAsync("/api/portfolios/p-req/update-requests:send", null), 200);
        var link = world.FormLink((await world.MailsAsync())["ana@example.com"].Single(), "Alpha migration");

        var form = await world.Anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal("text/html", form.Content.Headers.ContentType?.MediaType);
        var html = await form.Content.ReadAsStringAsync();
        var values = RequestWorld.FormValues(html);
        Assert.Equal("40", values["percentComplete"]);
        Assert.Equal("12000", values["spend"]);
        Assert.Contains("<option value=\"green\" selected", html);
        Assert.Contains("<label for=\"percentComplete\"", html);

        world.Time.Advance(TimeSpan.FromMinutes(5));
        var sentAt = world.Time.GetUtcNow();
        var fields = new Dictionary<string, string>
        {
            ["formId"] = values["formId"],
            ["percentComplete"] = "55",
            ["spend"] = "15000",
            ["rag"] = "amber",
            ["note"] = "Waiting for the firewall change",
        };
        var posted = await world.Anonymous.PostAsync(link, new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Thank you", await posted.Content.ReadAsStringAsync());
        // The same loaded form sent again records nothing more.
        world.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await world.Anonymous.PostAsync(link, new FormUrlEncodedContent(fields))).StatusCode);

        var history = await HttpAssert.JsonAsync(await world.Admin.GetAsync("/api/portfolios/p-req/projects/alpha/updates"), 200);
        Assert.Equal(2, history.GetProperty("items").GetArrayLength());
        var newest = history.GetProperty("items")[0];
        Assert.Equal((55m, "amber", "ana@example.com", "Waiting for the firewall change"),
            (newest.GetProperty("percentComplete").GetDecimal(), newest.GetProperty("rag").GetString(), newest.GetProperty("reportedBy").GetString(), newest.GetProperty("note").GetString()));
        // Recorded when it was sent (not when the form was opened five minutes before, nor when it was sent again).
        Assert.Equal(sentAt, newest.GetProperty("recordedAt").GetDateTimeOffset());
        var metrics = await HttpAssert.JsonAsync(await world.Admin.GetAsync("/api/portfolios/p-req/projects/alpha/metrics"), 200);
        Assert.Equal(55, metrics.GetProperty("percentComplete").GetDouble());
        Assert.Equal(0, metrics.GetProperty("daysSinceUpdate").GetInt32());
        Assert.Equal("amber", metrics.GetProperty("rag").GetString());
    }

    [Fact]
    public async Task ABadFormIsShownAgainWithItsErrorsAndNothingIsRecorded()
    {
        await using var world = await RequestWorld.StartAsync();
        await HttpAssert.JsonAsync(await world.Admin.PostAsync("/api/portfolios/p-req/update-requests:send", null), 200);
        var link = world.FormLink((await world.MailsAsync())["ana@example.com"].Single(), "Alpha migration");
        var values = RequestWorld.FormValues(await world.Anonymous.GetStringAsync(link));

        var posted = await world.Anonymous.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["formId"] = values["formId"],
            ["percentComplete"] = "140",
            ["spend"] = "lots",
            ["rag"] = "purple",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        var html = await posted.Content.ReadAsStringAsync();
        Assert.Contains("Nothing was saved yet", html);
        Assert.Contains("id=\"percentComplete-error\"", html);
        Assert.Contains("id=\"spend-error\"", html);
        Assert.Contains("id=\"rag-error\"", html);
        // Fields are named by their labels, as the person sees them, not by the API's names.
        Assert.Contains("Percent complete must be between 0 and 100.", html);
        Assert.Contains("Spend to date must be a number", html);
        Assert.DoesNotContain("percentComplete must", html);
        Assert.DoesNotContain("spend must", html);
        Assert.Equal("140", RequestWorld.FormValues(html)["percentComplete"]); // what was typed stays
        Assert.Equal(1, await world.UpdateCountAsync("alpha"));
    }

    [Fact]
    public async Task TamperedExpiredAndForeignLinksGetA403PageAndChangeNothing()
    {
        await using var world = await RequestWorld.StartAsync();
        await HttpAssert.JsonAsync(await world.Admin.PostAsync("/api/portfolios/p-req/update-requests:send", null), 200);
        var link = world.FormLink((await world.MailsAsync())["ana@example.com"].Single(), "Alpha migration");
        var formId = RequestWorld.FormValues(await world.Anonymous.GetStringAsync(link))["formId"];
        var body = new Dictionary<string, string> { ["formId"] = formId, ["percentComplete"] = "99" };
        var tokens = world.Server.Services.GetService(typeof(UpdateRequestTokens)) as UpdateRequestTokens;
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        var baseUrl = link[..link.IndexOf('?', StringComparison.Ordinal)];

        var tampered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        var otherProject = await tokens!.FormAsync("p-req", "gamma", "ana@example.com", world.Time.GetUtcNow().AddDays(14), default); // gamma is bob's
        var otherKey = SignedToken.Wrap(new byte[32], System.Text.Encoding.UTF8.GetBytes($"form\np-req\nalpha\nana@example.com\n{world.Time.GetUtcNow().AddDays(1).ToUnixTimeSeconds()}"));
        foreach (var (what, bad, message) in new[]
        {
            ("tampered", tampered, "not valid"), ("another project's", otherProject, "no longer owns"), ("signed elsewhere", otherKey, "not valid"),
        })
        {
            var url = baseUrl + "?token=" + Uri.EscapeDataString(bad);
            var get = await world.Anonymous.GetAsync(url);
            Assert.True(get.StatusCode == HttpStatusCode.Forbidden, what);
            Assert.Contains(message, await get.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Forbidden, (await world.Anonymous.PostAsync(url, new FormUrlEncodedContent(body))).StatusCode);
        }

        world.Time.Advance(UpdateRequestTokens.Lifetime + TimeSpan.FromMinutes(1));
        var expired = await world.Anonymous.PostAsync(link, new FormUrlEncodedContent(body));
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync());

        Assert.Equal(1, await world.UpdateCountAsync("alpha"));
        Assert.Equal(1, await world.UpdateCountAsync("gamma"));
    }

    [Fact]
    public async Task TheSecondUnansweredRequestCopiesThePortfolioOwnerAndAnOptOutStopsThem()
    {
        await using var world = await RequestWorld.StartAsync();
        await world.RunJobAsync();

        // A week later alpha and beta are still waiting: ana's second request copies the PMO. Dora opts out meanwhile.
        var dora = (await world.MailsAsync())["dora@example.com"].Single();
        var optOut = world.Local((dora.Headers["List-Unsubscribe"] ?? "").Trim('<', '>'));
        Assert.Contains("You will get no more update requests", await (await world.Anonymous.PostAsync(optOut, null)).Content.ReadAsStringAsync());
        world.Time.Advance(TimeSpan.FromDays(7));
        await world.RunJobAsync();

        var mails = await world.MailsAsync();
        Assert.Equal(2, mails["ana@example.com"].Count);
        var second = mails["ana@example.com"].Single(m => m.Cc.Count > 0);
        Assert.Equal("pmo@example.com", second.Cc.Mailboxes.Single().Address);
        Assert.Single(mails["dora@example.com"]);

        var preview = await HttpAssert.JsonAsync(await world.Admin.PostAsync("/api/portfolios/p-req/update-requests:preview", null), 200);
        var owners = preview.GetProperty("owners").EnumerateArray().ToDictionary(o => o.GetProperty("owner").GetString()!, o => o.GetProperty("state").GetString());
        Assert.Equal("sent", owners["ana@example.com"]);
        Assert.Equal("optedOut", owners["dora@example.com"]);
    }

    [Fact]
    public async Task SettingsArePatchedAsAMergePatchAndValidated()
    {
        await using var world = await RequestWorld.StartAsync();
        var patched = await HttpAssert.JsonAsync(await world.Admin.PatchAsync("/api/portfolios/p-req",
            HttpAssert.Json("""{"updateRequests":{"sendTime":"10:30"}}""", "application/merge-patch+json")), 200);
        var settings = patched.GetProperty("updateRequests");
        Assert.Equal(("weekly", "monday", "10:30"), (settings.GetProperty("cadence").GetString(), settings.GetProperty("weekday").GetString(), settings.GetProperty("sendTime").GetString()));

        var every = await HttpAssert.JsonAsync(await world.Admin.PatchAsync("/api/portfolios/p-req",
            HttpAssert.Json("""{"updateRequests":{"cadence":"everyDays","weekday":null,"everyDays":14}}""", "application/merge-patch+json")), 200);
        Assert.Equal(14, every.GetProperty("updateRequests").GetProperty("everyDays").GetInt32());

        var problem = await HttpAssert.ProblemAsync(await world.Admin.PatchAsync("/api/portfolios/p-req",
            HttpAssert.Json("""{"updateRequests":{"everyDays":400,"sendTime":"25:00"}}""", "application/merge-patch+json")), 400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("updateRequests.everyDays", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("updateRequests.sendTime", out _));

        var off = await HttpAssert.JsonAsync(await world.Admin.PatchAsync("/api/portfolios/p-req",
            HttpAssert.Json("""{"updateRequests":null}""", "application/merge-patch+json")), 200);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, off.GetProperty("updateRequests").ValueKind);
        using var reader = world.Server.CreateClient(await KeyAsync(world, "reader"));
        await HttpAssert.ProblemAsync(await reader.PostAsync("/api/portfolios/p-req/update-requests:preview", null), 403);
    }

    private static async Task<string> KeyAsync(RequestWorld world, string role) =>
        (await HttpAssert.JsonAsync(await world.Admin.PostAsJsonAsync("/api/keys", new { name = role, role }), 201)).GetProperty("key").GetString()!;
}
