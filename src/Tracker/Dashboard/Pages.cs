using System.Text;
using Tracker.Api;

namespace Tracker.Dashboard;

/// <summary>The dashboard's paths (at the site's root, next to <c>/api</c>) and how its answers are made.</summary>
public static class DashboardRoutes
{
    public const string SignInTemplate = "sign-in";
    public const string SignOutTemplate = "sign-out";
    public const string EntraSignInTemplate = "sign-in/entra";
    public const string EntraCallbackTemplate = "signin-oidc";
    public const string PortfoliosTemplate = "portfolios";
    public const string PortfolioTemplate = "portfolios/{portfolioId}";
    public const string ProjectTemplate = "portfolios/{portfolioId}/projects/{projectId}";
    public const string ProjectUpdatesTemplate = ProjectTemplate + "/updates";
    public const string ProjectDetailsTemplate = ProjectTemplate + "/details";
    public const string ImportTemplate = PortfolioTemplate + "/import";
    public const string ExportProjectsTemplate = PortfolioTemplate + "/projects.csv";
    public const string ExportUpdatesTemplate = PortfolioTemplate + "/updates.csv";
    public const string ExportProjectsXlsxTemplate = PortfolioTemplate + "/projects.xlsx";
    public const string ExportUpdatesXlsxTemplate = PortfolioTemplate + "/updates.xlsx";
    public const string ProjectsTemplateXlsxTemplate = PortfolioTemplate + "/projects-template.xlsx";
    public const string UpdateRequestsTemplate = PortfolioTemplate + "/update-requests";
    public const string AccessTemplate = "access";
    public const string AccessKeysTemplate = AccessTemplate + "/keys";
    public const string RevokeKeyTemplate = AccessKeysTemplate + "/{keyId}/revoke";
    public const string AccessGrantsTemplate = AccessTemplate + "/grants";
    public const string RevokeGrantTemplate = AccessGrantsTemplate + "/{grantId}/revoke";

    public const string SignIn = "/" + SignInTemplate;
    public const string SignOut = "/" + SignOutTemplate;
    public const string EntraSignIn = "/" + EntraSignInTemplate;
    public const string EntraCallback = "/" + EntraCallbackTemplate;
    public const string Portfolios = "/" + PortfoliosTemplate;
    public const string Access = "/" + AccessTemplate;
    public const string AccessKeys = "/" + AccessKeysTemplate;
    public const string AccessGrants = "/" + AccessGrantsTemplate;

    public static string Portfolio(string portfolioId) => $"{Portfolios}/{Uri.EscapeDataString(portfolioId)}";

    public static string Project(string portfolioId, string projectId) => $"{Portfolio(portfolioId)}/projects/{Uri.EscapeDataString(projectId)}";

    public static string Import(string portfolioId) => Portfolio(portfolioId) + "/import";

    public static string ExportProjects(string portfolioId) => Portfolio(portfolioId) + "/projects.csv";

    public static string ExportUpdates(string portfolioId) => Portfolio(portfolioId) + "/updates.csv";

    public static string ExportProjectsXlsx(string portfolioId) => Portfolio(portfolioId) + "/projects.xlsx";

    public static string ExportUpdatesXlsx(string portfolioId) => Portfolio(portfolioId) + "/updates.xlsx";

    public static string ProjectsTemplateXlsx(string portfolioId) => Portfolio(portfolioId) + "/projects-template.xlsx";

    public static string UpdateRequests(string portfolioId) => Portfolio(portfolioId) + "/update-requests";

    public static string RevokeKey(string keyId) => $"{AccessKeys}/{Uri.EscapeDataString(keyId)}/revoke";

    public static string RevokeGrant(string grantId) => $"{AccessGrants}/{Uri.EscapeDataString(grantId)}/revoke";
}

public static class Pages
{
    public const string HtmlType = "text/html; charset=utf-8";

    /// <summary>
    /// What every page answers with: never stored (the back button after sign-out shows nothing private), no script
    /// and no frame (the pages have none), forms posting only here.
    /// </summary>
    private static readonly KeyValuePair<string, string>[] Headers =
    [
        new("Cache-Control", "no-store"),
        new("X-Content-Type-Options", "nosniff"),
        new("Referrer-Policy", "same-origin"),
        new("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    ];

    public static ApiResponse Html(int status, string html, params string[] setCookies) =>
        new(status, Encoding.UTF8.GetBytes(html), HtmlType) { Headers = [.. Headers, .. setCookies.Select(c => new KeyValuePair<string, string>("Set-Cookie", c))] };

    /// <summary>A 303 See Other to a path of this site (after a form post, or to the sign-in page).</summary>
    public static ApiResponse Redirect(string location, params string[] setCookies) =>
        new(303, [], HtmlType, Location: location) { Headers = [.. Headers, .. setCookies.Select(c => new KeyValuePair<string, string>("Set-Cookie", c))] };

    /// <summary>A return address from a query string, kept only when it is a path of this site (never another host).</summary>
    public static string LocalPath(string? returnUrl, string fallback) =>
        returnUrl is { Length: > 1 and < 2000 } url && url[0] == '/' && url[1] != '/' && url[1] != '\\' && !url.Contains("://", StringComparison.Ordinal)
            ? url : fallback;
}
