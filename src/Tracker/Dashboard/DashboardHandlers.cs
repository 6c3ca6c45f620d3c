using Tracker.Api;
using Tracker.Common;
using Tracker.Dashboard.Templates;
using Tracker.Security;

namespace Tracker.Dashboard;

/// <summary>The fields of the sign-in form.</summary>
public sealed record SignInFields(string? Key, string? ReturnUrl);

/// <summary>The fields of a form that posts nothing but its anti-forgery token (sign-out).</summary>
public sealed record TokenOnlyFields;

/// <summary>
/// The dashboard's pages: sign-in and sign-out, the portfolios, one portfolio, one project. Thin: the gate has
/// checked the session and the role, <see cref="DashboardReader"/> reads, the Razor templates write HTML.
/// </summary>
public sealed class DashboardHandlers(DashboardReader reader, DashboardSessions sessions, ApiKeyAuthenticator keys, EntraSignIn entra)
{
    public async Task<ApiResponse> SignInForm(Call call)
    {
        var returnUrl = Pages.LocalPath(call.Request.Query["returnUrl"].FirstOrDefault(), DashboardRoutes.Portfolios);
        if (PageGate.SessionOf(call.Request) is not null)
        {
            return Pages.Redirect(returnUrl);
        }
        return await SignInPageAsync(call, 200, returnUrl, null, call.Request.Query.ContainsKey("signedOut"));
    }

    /// <summary>The button "Sign in with your work account": off to Entra ID (authorization code flow with PKCE).</summary>
    public async Task<ApiResponse> SignInWithEntra(Call call)
    {
        if (!entra.Enabled)
        {
            throw Problems.NotFound("Sign-in with Entra ID is not configured here; sign in with an API key.");
        }
        var returnUrl = Pages.LocalPath(call.Request.Query["returnUrl"].FirstOrDefault(), DashboardRoutes.Portfolios);
        var (location, cookie) = await entra.StartAsync(call.Request, returnUrl, call.Aborted);
        return Pages.Redirect(location, cookie);
    }

    /// <summary>Back from Entra ID: a session for the person, or the sign-in page saying why not.</summary>
    public async Task<ApiResponse> EntraCallback(Call call)
    {
        if (!entra.Enabled)
        {
            throw Problems.NotFound("Sign-in with Entra ID is not configured here; sign in with an API key.");
        }
        EntraPerson person;
        try
        {
            person = await entra.CompleteAsync(call.Request, call.Aborted);
        }
        catch (ApiProblemException refused) when (refused.Status is 400 or 401 or 403)
        {
            return await SignInPageAsync(call, refused.Status == 403 ? 403 : 400, DashboardRoutes.Portfolios, null, false, entraError: refused.Message);
        }
        var cookie = await sessions.StartAsync(person.Caller, person.Groups, call.Request, call.Aborted);
        return Pages.Redirect(person.ReturnUrl, cookie, entra.ClearCookie(call.Request));
    }

    public async Task<ApiResponse> SignIn(Call call)
    {
        var form = await call.ReadFormAsync<SignInFields>();
        var returnUrl = Pages.LocalPath(form.GetValueOrDefault("returnUrl"), DashboardRoutes.Portfolios);
        var key = form.GetValueOrDefault("key", "").Trim();
        if (key.Length == 0)
        {
            return await SignInPageAsync(call, 400, returnUrl, "Enter your API key.", false);
        }
        if (key.Length > 512 || await keys.VerifyAsync(key, call.Aborted) is not { } verified)
        {
            return await SignInPageAsync(call, 400, returnUrl, "This key is unknown or revoked. Check it with your tracker admin.", false);
        }
        var cookie = await sessions.StartAsync(verified.Caller.KeyId, verified.Fingerprint, call.Request, call.Aborted);
        return Pages.Redirect(returnUrl, cookie);
    }

    public async Task<ApiResponse> SignOut(Call call) =>
        Pages.Redirect(DashboardRoutes.SignIn + "?signedOut=1", await sessions.EndAsync(call.Request, call.Aborted));

    public async Task<ApiResponse> Portfolios(Call call) =>
        Page(HtmlTemplates.Render<PortfoliosPage>(new Dictionary<string, object?>
        {
            [nameof(PortfoliosPage.Cards)] = await reader.CardsAsync(call.Caller, call.Aborted),
            [nameof(PortfoliosPage.Session)] = PageGate.SessionOf(call.Request),
        }));

    public async Task<ApiResponse> Portfolio(Call call) =>
        Page(HtmlTemplates.Render<PortfolioPage>(new Dictionary<string, object?>
        {
            [nameof(PortfolioPage.View)] = await reader.PortfolioAsync(call.Route("portfolioId"), ProjectTableQuery.From(call.Request), call.Aborted),
            [nameof(PortfolioPage.Session)] = PageGate.SessionOf(call.Request),
            [nameof(PortfolioPage.Notice)] = ImportedNotice(call.Request.Query),
        }));

    /// <summary>What the import page's redirect says it did (numbers only; the words are the page's own).</summary>
    private static string? ImportedNotice(Microsoft.AspNetCore.Http.IQueryCollection query)
    {
        int Count(string name) => int.TryParse(query[name].ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        return query["imported"].ToString() switch
        {
            "projects" => $"Imported: {Count("created")} projects created, {Count("updated")} changed, {Count("unchanged")} unchanged.",
            "updates" => $"Imported: {Count("created")} progress updates recorded ({Count("unchanged")} were already there).",
            _ => null,
        };
    }

    private static ApiResponse Page(string html) => Pages.Html(200, html);

    private async Task<ApiResponse> SignInPageAsync(Call call, int status, string returnUrl, string? error, bool signedOut, string? entraError = null)
    {
        var (cookie, token) = await sessions.SignInTokenAsync(call.Request, call.Aborted);
        var html = HtmlTemplates.Render<SignInPage>(new Dictionary<string, object?>
        {
            [nameof(SignInPage.Token)] = token,
            [nameof(SignInPage.ReturnUrl)] = returnUrl,
            [nameof(SignInPage.Error)] = error,
            [nameof(SignInPage.SignedOut)] = signedOut,
            [nameof(SignInPage.Entra)] = entra.Enabled,
            [nameof(SignInPage.EntraError)] = entraError,
        });
        return Pages.Html(status, html, cookie);
    }
}
