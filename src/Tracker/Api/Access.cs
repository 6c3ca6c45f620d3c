
namespace Tracker.Api;

/// <summary>Roles are ordered: an admin may do what a writer may, a writer what a reader may.</summary>
public enum Role
{
    Reader = 1,
    Writer = 2,
    Admin = 3,
}

/// <summary>What a route demands: a role, and when the route is about one portfolio, that portfolio.</summary>
public sealed record Access(Role Role, string? PortfolioId = null)
{
    /// <summary>No key at all (health, the unsubscribe link).</summary>
    public static readonly Access Anonymous = new((Role)0);

    public static Access Reader(string? portfolioId = null) => new(Role.Reader, portfolioId);

    public static Access Writer(string? portfolioId = null) => new(Role.Writer, portfolioId);

    public static Access Admin(string? portfolioId = null) => new(Role.Admin, portfolioId);
}

/// <summary>Who is calling: the key's id and name (never its secret), role and portfolio scope (null: all portfolios).</summary>
public sealed record Caller(string KeyId, string Name, Role Role, IReadOnlySet<string>? Portfolios)
{
    public static readonly Caller Nobody = new("", "anonymous", 0, new HashSet<string>());

    public bool CanSee(string portfolioId) => Portfolios is null || Portfolios.Contains(portfolioId);

    public bool IsUnscoped => Portfolios is null;
}

/// <summary>
/// The gate every request passes before its handler: who calls (the key checked against the route's
/// <see cref="Access"/>), within their rate limit. Implemented by the Security feature.
/// </summary>
public interface ICallerGate
{
    /// <summary>The caller, or a 401/403/429 <see cref="ApiProblemException"/>.</summary>
    Task<Caller> AdmitAsync(Microsoft.AspNetCore.Http.HttpRequest request, Access access, CancellationToken ct);
}

/// <summary>
/// The gate of the dashboard's pages (<see cref="RouteSpec.IsPage"/>): who is signed in (a session cookie, re-checked
/// against its key or grant), the route's role, and on a POST the form's anti-forgery token and origin. Its failures
/// are pages, not ProblemDetails: <see cref="ErrorPage"/> renders them (a 401 is a redirect to the sign-in page).
/// Implemented by the Dashboard feature.
/// </summary>
public interface IPageGate
{
    /// <summary>The signed-in caller (<see cref="Caller.Nobody"/> on a page without a role), or an <see cref="ApiProblemException"/>.</summary>
    Task<Caller> AdmitAsync(Microsoft.AspNetCore.Http.HttpRequest request, RouteSpec route, Access access, CancellationToken ct);

    /// <summary>The HTML answer to a failure on a page.</summary>
    ApiResponse ErrorPage(ApiProblemException problem, Microsoft.AspNetCore.Http.HttpRequest request);
}
