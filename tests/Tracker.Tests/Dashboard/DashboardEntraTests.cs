using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Tracker.Dashboard;
using Tracker.Tests.Api;
using static Tracker.Tests.Dashboard.DashboardTests;

namespace Tracker.Tests.Dashboard;

/// <summary>
/// Sign-in to the dashboard with a work account: the OpenID Connect authorization code flow with PKCE against a real
/// provider on loopback (oauth2-mock-server shaped like Entra ID), then the dashboard's own session — its role from
/// the ID token's app roles, its portfolios from the grants, ended when a grant that applies to the person changes.
/// </summary>
[Collection("entra")]
public sealed class DashboardEntraTests(EntraFixture fixture)
{
    private const string Writer = "Tracker.Writer";

    [Fact]
    public async Task APersonSignsInWithTheirWorkAccountThroughTheCodeFlowWithPkce()
    {
        var oid = Guid.NewGuid().ToString();
        await fixture.Entra.NextSignInAsync([Writer], oid, "anna@contoso.example");
        using var browser = Browser();
        Assert.Contains("Sign in with your work account", await browser.GetStringAsync("/sign-in"), StringComparison.Ordinal);

        var landed = await SignInWithEntraAsync(browser, "/portfolios?from=entra");
        Assert.Equal("/portfolios?from=entra", landed);
        var page = await browser.GetStringAsync(landed);
        Assert.Contains("Signed in as anna@contoso.example (writer)", page, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.Cookies.GetCookies(fixture.Server.Address), c => c.Name == EntraSignIn.CookieName && c.Value.Length > 0);

        // The provider saw a PKCE challenge (S256), the app's client id and the registered callback.
        var authorize = await fixture.Entra.LastAuthorizeAsync();
        Assert.Equal("S256", authorize.GetProperty("code_challenge_method").GetString());
        Assert.Equal(43, authorize.GetProperty("code_challenge").GetString()!.Length);
        Assert.Equal(fixture.Server.Address + "signin-oidc", authorize.GetProperty("redirect_uri").GetString());
        Assert.Equal(Testing.MockEntra.ClientId, authorize.GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task AGrantThatChangesEndsThePersonsSessionAndTheirScopeFollowsTheirGrants()
    {
        var oid = Guid.NewGuid().ToString();
        var mine = await fixture.PortfolioAsync(ApiFixture.NewId("mine"));
        var other = await fixture.PortfolioAsync(ApiFixture.NewId("other"));
        var grant = await HttpAssert.JsonAsync(await fixture.Admin.PostAsJsonAsync("/api/grants",
            new { principalId = oid, principalType = "user", name = "Anna", portfolios = new[] { mine } }), 201);
        await fixture.Entra.NextSignInAsync([Writer], oid, "anna@contoso.example");
        using var browser = Browser();
        await browser.GetStringAsync(await SignInWithEntraAsync(browser, "/portfolios"));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(DashboardRoutes.Portfolio(mine))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(DashboardRoutes.Portfolio(other))).StatusCode);

        var revoked = await fixture.Admin.DeleteAsync($"/api/grants/{grant.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var after = await browser.GetAsync(DashboardRoutes.Portfolio(mine));
        Assert.Equal(HttpStatusCode.SeeOther, after.StatusCode);
        Assert.StartsWith("/sign-in", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnswerForAnotherSignInOrWithoutATrackerRoleStartsNoSession()
    {
        await fixture.Entra.NextSignInAsync([Writer], Guid.NewGuid().ToString(), "anna@contoso.example");
        using var browser = Browser();
        var start = await browser.GetAsync("/sign-in/entra");
        var fromProvider = await ProviderAnswerAsync(start);
        // Another state than the one this browser's sign-in waits for.
        var forged = Regex.Replace(fromProvider, "state=[^&]+", "state=someone-elses");
        var refused = await browser.GetAsync(forged);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("its state differs", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The same answer without the waiting cookie (another browser).
        using var otherBrowser = Browser();
        Assert.Equal(HttpStatusCode.BadRequest, (await otherBrowser.GetAsync(fromProvider)).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.GetAsync("/portfolios")).StatusCode);

        await fixture.Entra.NextSignInAsync(["Some.Other.Role"], Guid.NewGuid().ToString(), "bo@contoso.example");
        using var noRole = Browser();
        var noRoleAnswer = await noRole.GetAsync(await ProviderAnswerAsync(await noRole.GetAsync("/sign-in/entra")));
        Assert.Equal(HttpStatusCode.Forbidden, noRoleAnswer.StatusCode);
        Assert.Contains("carries none of this application", await noRoleAnswer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, (await noRole.GetAsync("/portfolios")).StatusCode);
    }

    private HttpClientWithCookies Browser() => new(fixture.Server.Address);

    /// <summary>The whole round trip as a browser makes it; returns where the dashboard sends the person at the end.</summary>
    private static async Task<string> SignInWithEntraAsync(HttpClientWithCookies browser, string returnUrl)
    {
        var start = await browser.GetAsync("/sign-in/entra?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var back = await browser.GetAsync(await ProviderAnswerAsync(start));
        Assert.Equal(HttpStatusCode.SeeOther, back.StatusCode);
        return back.Headers.Location!.OriginalString;
    }

    /// <summary>Follows the dashboard's redirect to the provider's authorization endpoint; returns the provider's redirect back (code and state).</summary>
    private static async Task<string> ProviderAnswerAsync(HttpResponseMessage start)
    {
        Assert.Equal(HttpStatusCode.SeeOther, start.StatusCode);
        using var provider = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var authorized = await provider.GetAsync(start.Headers.Location);
        Assert.Equal(HttpStatusCode.Found, authorized.StatusCode);
        var back = authorized.Headers.Location!.ToString();
        Assert.Contains("/signin-oidc?", back, StringComparison.Ordinal);
        return back;
    }
}
