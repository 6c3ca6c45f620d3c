using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracker.Dashboard;
using Tracker.Tests.Api;

namespace Tracker.Tests.Dashboard;

/// <summary>
/// The dashboard over HTTP against the real server and Azurite: sign-in with a key into a session cookie, the
/// session re-checked against its key, sign-out, anti-forgery on every form, role and portfolio checks, and the
/// portfolio page's numbers against the metrics API. The browser journey is <see cref="DashboardBrowserTests"/>.
/// </summary>
[Collection("api")]
public sealed partial class DashboardTests(ApiFixture api)
{
    [Fact]
    public async Task APageWithoutASessionSendsTheBrowserToSignInAndBack()
    {
        using var browser = Browser();
        var answer = await browser.GetAsync("/portfolios?x=1");
        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2Fportfolios%3Fx%3D1", answer.Headers.Location!.OriginalString);

        var form = await browser.GetStringAsync(answer.Headers.Location);
        Assert.Contains("value=\"/portfolios?x=1\"", form, StringComparison.Ordinal);
        var signedIn = await PostFormAsync(browser, "/sign-in", ("_csrf", Token(form)), ("key", ApiFixture.AdminKey), ("returnUrl", "/portfolios?x=1"));
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal("/portfolios?x=1", signedIn.Headers.Location!.OriginalString);

        // Another host as the return address is not followed.
        var elsewhere = await PostFormAsync(browser, "/sign-in", ("_csrf", Token(form)), ("key", ApiFixture.AdminKey), ("returnUrl", "//evil.example/x"));
        Assert.Equal("/portfolios", elsewhere.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SigningInSetsAnHttpOnlySameSiteCookieThatIsNotTheKeyAndPagesAreNeverCached()
    {
        var key = await api.CreateKeyAsync("reader");
        using var browser = Browser();
        var form = await browser.GetAsync("/sign-in");
        Assert.Contains(form.Headers.GetValues("Set-Cookie"), c => c.StartsWith(DashboardSessions.SignInCookieName + "=", StringComparison.Ordinal));
        var signedIn = await PostFormAsync(browser, "/sign-in", ("_csrf", Token(await form.Content.ReadAsStringAsync())), ("key", key));
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(DashboardSessions.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(key, cookie, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Split('.').Last(), cookie, StringComparison.Ordinal);

        var page = await browser.GetAsync("/portfolios");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("no-store", page.Headers.CacheControl!.ToString());
        Assert.Contains("text/html", page.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Signed in as test reader (reader)", html, StringComparison.Ordinal);
        Assert.DoesNotContain(key, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongOrEmptyKeyIsRefusedOnTheFormNamingTheFieldAndStartsNoSession()
    {
        using var browser = Browser();
        var form = await browser.GetStringAsync("/sign-in");
        foreach (var (key, message) in new[] { ("", "Enter your API key."), ("tt_nope.nope", "This key is unknown or revoked.") })
        {
            var refused = await PostFormAsync(browser, "/sign-in", ("_csrf", Token(form)), ("key", key));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Contains("<a href=\"#key\">API key</a>", html, StringComparison.Ordinal);
            Assert.Contains(message, html, StringComparison.Ordinal);
            Assert.DoesNotContain(refused.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith(DashboardSessions.CookieName + "=", StringComparison.Ordinal));
        }
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.GetAsync("/portfolios")).StatusCode);
    }

    [Fact]
    public async Task AFormWithoutItsTokenOrFromAnotherOriginIsRefusedAndChangesNothing()
    {
        using var browser = Browser();
        var form = await browser.GetStringAsync("/sign-in");
        var noToken = await PostFormAsync(browser, "/sign-in", ("key", ApiFixture.AdminKey));
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Contains("nothing was changed", await noToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var forged = await PostFormAsync(browser, "/sign-in", ("_csrf", "forged"), ("key", ApiFixture.AdminKey));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var crossOrigin = await PostFormAsync(browser, "/sign-in", [("Origin", "https://evil.example")], ("_csrf", Token(form)), ("key", ApiFixture.AdminKey));
        Assert.Equal(HttpStatusCode.Forbidden, crossOrigin.StatusCode);
        var crossSite = await PostFormAsync(browser, "/sign-in", [("Sec-Fetch-Site", "cross-site")], ("_csrf", Token(form)), ("key", ApiFixture.AdminKey));
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.GetAsync("/portfolios")).StatusCode);

        // Signed in, sign-out without the session's token is refused too: the session stays.
        await SignInAsync(browser, ApiFixture.AdminKey);
        var forgedSignOut = await PostFormAsync(browser, "/sign-out", ("_csrf", Token(form)));
        Assert.Equal(HttpStatusCode.Forbidden, forgedSignOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/portfolios")).StatusCode);
    }

    [Fact]
    public async Task SigningOutEndsTheSessionOnTheServerNotOnlyInTheBrowser()
    {
        using var browser = Browser();
        var page = await SignInAsync(browser, ApiFixture.AdminKey);
        var stolen = browser.Cookies.GetCookies(api.Server.Address).Single(c => c.Name == DashboardSessions.CookieName).Value;
        var signedOut = await PostFormAsync(browser, "/sign-out", ("_csrf", Token(page)));
        Assert.Equal(HttpStatusCode.SeeOther, signedOut.StatusCode);
        Assert.Equal("/sign-in?signedOut=1", signedOut.Headers.Location!.OriginalString);
        Assert.Contains("You are signed out.", await browser.GetStringAsync("/sign-in?signedOut=1"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.GetAsync("/portfolios")).StatusCode);

        using var replay = Browser();
        replay.Cookies.Add(api.Server.Address, new Cookie(DashboardSessions.CookieName, stolen));
        Assert.Equal(HttpStatusCode.SeeOther, (await replay.GetAsync("/portfolios")).StatusCode);
    }

    [Fact]
    public async Task RevokingTheKeyEndsItsSessions()
    {
        var created = await (await api.Admin.PostAsJsonAsync("/api/keys", new { name = "leaving", role = "reader" })).Content.ReadFromJsonAsync<JsonElement>();
        using var browser = Browser();
        await SignInAsync(browser, created.GetProperty("key").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/portfolios")).StatusCode);
        var revoke = await api.Admin.DeleteAsync($"/api/keys/{created.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.GetAsync("/portfolios")).StatusCode);
    }

    [Fact]
    public async Task AScopedKeySeesItsPortfoliosOnlyAndAnotherPortfolioIsAForbiddenPage()
    {
        var mine = await api.CreatePortfolioAsync();
        var other = await api.CreatePortfolioAsync();
        using var browser = Browser();
        var list = await SignInAsync(browser, await api.CreateKeyAsync("reader", mine));
        Assert.Contains(DashboardRoutes.Portfolio(mine), list, StringComparison.Ordinal);
        Assert.DoesNotContain(other, list, StringComparison.Ordinal);
        var forbidden = await browser.GetAsync(DashboardRoutes.Portfolio(other));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains($"You are not allowed to see portfolio &#x27;{other}&#x27;.", await forbidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(DashboardRoutes.Project(mine, "nope"))).StatusCode);
    }

    [Fact]
    public async Task ThePortfolioPageShowsTheTenRatesTheMetricsApiGivesForTheSameDay()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var projects = new List<string>();
        foreach (var (category, priority, budget) in new[] { ("cloud", "high", 100_000m), ("crm", "medium", 250_000m), ("ai", "critical", 80_000m), ("cloud", "low", 40_000m) })
        {
            var id = await api.CreateProjectAsync(portfolio, category: category, priority: priority, budget: budget);
            projects.Add(id);
        }
        await api.Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects/{projects[0]}/updates", new { percentComplete = 40, priority = "critical", budget = 120_000 });
        await api.Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects/{projects[1]}/updates", new { percentComplete = 10, spend = 260_000, rag = "red" });

        using var browser = Browser();
        await SignInAsync(browser, ApiFixture.AdminKey);
        var html = await browser.GetStringAsync(DashboardRoutes.Portfolio(portfolio));
        var day = Regex.Match(html, @"As of ([0-9]+ [A-Za-z]+ [0-9]{4})").Groups[1].Value;
        var asOf = DateOnly.ParseExact(day, "d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var metrics = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/metrics?asOf={asOf:yyyy-MM-dd}"), 200);
        var shown = RateRows().Matches(html).ToDictionary(m => m.Groups["id"].Value, m => (Value: m.Groups["value"].Value, Baseline: m.Groups["baseline"].Value));
        Assert.Equal(10, shown.Count);
        foreach (var rate in metrics.GetProperty("rates").EnumerateObject())
        {
            var value = rate.Value.GetProperty("value");
            Assert.Equal(Show.Share(value.ValueKind == JsonValueKind.Null ? null : value.GetDouble()), shown[rate.Name].Value);
            Assert.Equal(Show.Share(rate.Value.GetProperty("baseline").GetDouble()), shown[rate.Name].Baseline);
        }
        Assert.Contains("over budget by EUR 10,000", html, StringComparison.Ordinal);

        // Filtered to one category, sorted by budget: the table holds exactly those projects, in that order.
        var cloud = await browser.GetStringAsync(DashboardRoutes.Portfolio(portfolio) + "?category=cloud&sort=budget&dir=asc");
        Assert.Equal([projects[3], projects[0]], ProjectRows().Matches(cloud).Select(m => m.Groups[1].Value));
        Assert.Contains("2 of 4 projects match", cloud, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProjectPageShowsItsStateChartsAndWhoReportedEachUpdate()
    {
        var (portfolio, project) = await api.CreateProjectAsync();
        var key = await api.CreateKeyAsync("writer");
        var posted = await api.Client(key).PostAsJsonAsync($"/api/portfolios/{portfolio}/projects/{project}/updates", new { percentComplete = 35, spend = 30_000, note = "Landing zone ready" });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        using var browser = Browser();
        await SignInAsync(browser, ApiFixture.AdminKey);
        var html = await browser.GetStringAsync(DashboardRoutes.Project(portfolio, project));
        Assert.Contains("<dd data-field=\"percentComplete\">35.0%</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd data-field=\"spend\">EUR 30,000</dd>", html, StringComparison.Ordinal);
        Assert.Contains("Landing zone ready", html, StringComparison.Ordinal);
        Assert.Contains("<td>test writer</td>", html, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(html, "<svg viewBox=\"0 0 720 240\" role=\"img\"").Count);
        Assert.Contains("now 35.0% complete", html, StringComparison.Ordinal);
    }

    private HttpClientWithCookies Browser() => new(api.Server.Address);

    /// <summary>Signs in through the form as a browser does; returns the page it lands on.</summary>
    internal static async Task<string> SignInAsync(HttpClientWithCookies browser, string key)
    {
        var form = await browser.GetStringAsync("/sign-in");
        var answer = await PostFormAsync(browser, "/sign-in", ("_csrf", Token(form)), ("key", key));
        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        return await browser.GetStringAsync(answer.Headers.Location!.OriginalString);
    }

    internal static Task<HttpResponseMessage> PostFormAsync(HttpClientWithCookies browser, string path, params (string Name, string Value)[] fields) =>
        PostFormAsync(browser, path, [], fields);

    internal static async Task<HttpResponseMessage> PostFormAsync(HttpClientWithCookies browser, string path, (string Name, string Value)[] headers,
        params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        return await browser.SendAsync(request);
    }

    internal static string Token(string html) => FormToken().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no form token on the page");

    [GeneratedRegex("name=\"_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("<tr data-rate=\"(?<id>[A-Za-z]+)\"><th scope=\"row\">[^<]*</th><td class=\"num\">(?<value>[^<]*)</td><td class=\"num\">(?<baseline>[^<]*)</td>")]
    private static partial Regex RateRows();

    [GeneratedRegex("<tr data-project=\"([^\"]+)\">")]
    private static partial Regex ProjectRows();
}

/// <summary>An HTTP client that keeps cookies and does not follow redirects: a browser as the tests need one.</summary>
public sealed class HttpClientWithCookies : HttpClient
{
    public HttpClientWithCookies(Uri address)
        : this(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }, address)
    {
    }

    private HttpClientWithCookies(HttpClientHandler handler, Uri address)
        : base(handler, disposeHandler: true)
    {
        Cookies = handler.CookieContainer;
        BaseAddress = address;
    }

    public CookieContainer Cookies { get; }
}
