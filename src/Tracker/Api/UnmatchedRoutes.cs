using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Tracker.Api;

/// <summary>
/// What both hosts answer when no route matches: a ProblemDetails 405 with Allow when the path is a route taken with
/// another method, else a ProblemDetails 404 — never a bare status. (The server maps it as its fallback endpoint, the
/// Functions host as a catch-all function whose name sorts after every other.)
/// </summary>
public sealed class UnmatchedRoutes
{
        private static readonly IReadOnlyList<(Regex Path, string Method)> Templates =
        [.. RouteTable.All.Select(r => (Compile(r.Template), r.Method))];

    public Task<ApiResponse> Answer(Call call)
    {
        var path = call.Request.Path.Value ?? "/";
        var allowed = Allowed(path);
        throw allowed.Count > 0
            ? Problems.MethodNotAllowed(call.Request.Method, path, allowed)
            : Problems.NoRoute(call.Request.Method, path);
    }

    /// <summary>The methods some route takes at this path (under /api), in the order of the route table.</summary>
    public static IReadOnlyList<string> Allowed(string path) =>
        [.. Templates.Where(t => t.Path.IsMatch(path)).Select(t => t.Method).Distinct()];

    private static Regex Compile(string template)
    {
        var pattern = Regex.Replace(Regex.Escape(template.TrimEnd('/')), @"\\\{([A-Za-z]+)(:alpha)?\}",
            m => m.Groups[2].Success ? "[A-Za-z]+" : "[^/]+");
        return new Regex($"^/{Routes.Prefix}/{pattern}/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }
}
