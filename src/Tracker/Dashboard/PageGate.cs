using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Common;
using Tracker.Security;

namespace Tracker.Dashboard;

/// <summary>
/// The gate of the dashboard's pages. A page with a role needs a session (<see cref="DashboardSessions"/>) whose key
/// still holds that role and the portfolio; without one the browser is sent to the sign-in page. Every POST must
/// come from this site (its <c>Origin</c> and <c>Sec-Fetch-Site</c>, when the browser sends them) and carry the
/// form's anti-forgery token: the session's, or before sign-in the sign-in cookie's. Requests count against the rate
/// limit of their key, or of their address when nobody is signed in.
/// </summary>
public sealed class PageGate(DashboardSessions sessions, RateLimits limits, PublicBaseUrl baseUrl) : IPageGate
{
    public const string FormTokenField = "_csrf";

    /// <summary>The most bytes a dashboard form may post (the CSV uploads are larger and declare their own).</summary>
    public const long FormLimit = 64 * 1024;

    private const string SessionItem = "tracker.dashboard.session";

    /// <summary>The session the gate admitted this request with, for the page to render its forms (null on a public page).</summary>
    public static Session? SessionOf(HttpRequest request) => request.HttpContext.Items[SessionItem] as Session;

    public async Task<Caller> AdmitAsync(HttpRequest request, RouteSpec route, Access access, CancellationToken ct)
    {
        var session = await sessions.ResumeAsync(request, ct);
        if (session is null)
        {
            limits.ForAddress(request);
        }
        else
        {
            limits.ForKey(session.Caller.KeyId);
            request.HttpContext.Items[SessionItem] = session;
        }
        if (HttpMethods.IsPost(request.Method))
        {
            await RequireSameSiteFormAsync(request, route, session, ct);
        }
        if (access == Access.Anonymous)
        {
            return session?.Caller ?? Caller.Nobody;
        }
        if (session is null)
        {
            throw Problems.Unauthorized("Sign in to see this page.", []);
        }
        var caller = session.Caller;
        if (caller.Role < access.Role)
        {
            throw Problems.Forbidden($"This needs the {TrackerJson.Name(access.Role)} role; you are signed in as {TrackerJson.Name(caller.Role)}.");
        }
        if (access.PortfolioId is not null && !caller.CanSee(access.PortfolioId))
        {
            throw Problems.Forbidden($"You are not allowed to see portfolio '{access.PortfolioId}'.");
        }
        return caller;
    }

    public ApiResponse ErrorPage(ApiProblemException problem, HttpRequest request)
    {
        if (problem.Status == 401)
        {
            var back = request.Path + request.QueryString;
            return Pages.Redirect(HttpMethods.IsGet(request.Method) ? $"{DashboardRoutes.SignIn}?returnUrl={Uri.EscapeDataString(back)}" : DashboardRoutes.SignIn);
        }
        var session = SessionOf(request);
        var html = HtmlTemplates.Render<Templates.ErrorPage>(new Dictionary<string, object?>
        {
            [nameof(Templates.ErrorPage.Status)] = problem.Status,
            [nameof(Templates.ErrorPage.Title)] = problem.Title,
            [nameof(Templates.ErrorPage.Detail)] = problem.Message,
            [nameof(Templates.ErrorPage.Session)] = session,
        });
        return Pages.Html(problem.Status, html) with { RetryAfter = problem.RetryAfter };
    }

    /// <summary>A POST from another site, or without this browser's anti-forgery token, is refused before anything is read or written.</summary>
    private async Task RequireSameSiteFormAsync(HttpRequest request, RouteSpec route, Session? session, CancellationToken ct)
    {
        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            throw Problems.Forbidden("This form was sent from another site; nothing was changed.");
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsOwnOrigin(request, origin))
        {
            throw Problems.Forbidden("This form was sent from another origin; nothing was changed.");
        }
        if (!request.HasFormContentType)
        {
            throw new ApiProblemException(415, "Unsupported media type", "Send the page's form.");
        }
        if (request.ContentLength > route.BodyLimit)
        {
            throw Problems.TooLarge(route.BodyLimit);
        }
        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: route.BodyLimit);
        // The route's limit, not ASP.NET Core's defaults, bounds the form: an import's confirmation carries its file back.
        var limit = (int)Math.Min(route.BodyLimit, int.MaxValue);
        request.HttpContext.Features.Set<Microsoft.AspNetCore.Http.Features.IFormFeature>(new Microsoft.AspNetCore.Http.Features.FormFeature(request,
            new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = limit, MultipartBodyLengthLimit = route.BodyLimit, MultipartBoundaryLengthLimit = 128 }));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw Problems.TooLarge(route.BodyLimit);
        }
        request.Body.Position = 0;
        var token = form[FormTokenField].ToString();
        var valid = (session is not null && await sessions.IsFormTokenAsync(session, token, ct))
            || (route.Role is null && await sessions.IsSignInTokenAsync(request, token, ct));
        if (!valid)
        {
            throw Problems.Forbidden("This form has expired or was not sent from this site. Open the page again and resend it; nothing was changed.");
        }
    }

    private bool IsOwnOrigin(HttpRequest request, string origin)
    {
        var own = $"{request.Scheme}://{request.Host}";
        var published = new Uri(baseUrl.For(request)).GetLeftPart(UriPartial.Authority);
        return origin.Equals(own, StringComparison.OrdinalIgnoreCase) || origin.Equals(published, StringComparison.OrdinalIgnoreCase);
    }
}
