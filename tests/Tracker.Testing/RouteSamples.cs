using System.Text.RegularExpressions;
using Tracker.Api;

namespace Tracker.Testing;

/// <summary>Concrete request paths for the route templates of <see cref="RouteTable"/>, for tests that call every route.</summary>
public static partial class RouteSamples
{
    /// <summary>The entity sets of the Power BI feed.</summary>
    public static readonly string[] EntitySets = ["Portfolios", "Projects", "Updates", "ProjectSnapshots", "PortfolioSnapshots", "Baselines"];

    /// <summary>The template with each parameter (and its constraint) replaced by a value, under <c>/api/</c>.</summary>
    public static string Path(string template, IReadOnlyDictionary<string, string>? values = null) =>
        "/" + Routes.Prefix + "/" + Parameter().Replace(template, m => values?.GetValueOrDefault(m.Groups[1].Value) ?? Default(m.Groups[1].Value));

    /// <summary>A dashboard page's template with its parameters replaced by values: at the root, not under /api.</summary>
    public static string PagePath(string template) =>
        "/" + Parameter().Replace(template, m => Default(m.Groups[1].Value));

    /// <summary>Every sample path of a template: one per entity set for the feed routes, plus both spellings of the service root.</summary>
    public static IReadOnlyList<string> All(string template)
    {
        if (template == Routes.FeedServiceDocument)
        {
            return ["/api/odata/", "/api/odata"];
        }
        return template.Contains("{entitySet", StringComparison.Ordinal)
            ? [.. EntitySets.Select(set => Path(template, new Dictionary<string, string> { ["entitySet"] = set }))]
            : [Path(template)];
    }

    /// <summary>The path as OpenAPI writes it: under /api, constraints dropped, no trailing slash.</summary>
    public static string OpenApiPath(string template) =>
        ("/" + Routes.Prefix + "/" + Parameter().Replace(template, m => "{" + m.Groups[1].Value + "}")).TrimEnd('/');

    private static string Default(string parameter) => parameter switch
    {
        "portfolioId" => "p-emea",
        "projectId" => "crm-consolidation",
        "keyId" => "k-1",
        "grantId" => "g-1",
        "subscriptionId" => "s-1",
        "name" => "ComputeMetrics",
        "entitySet" => "Projects",
        _ => throw new ArgumentException($"No sample value for route parameter {parameter}."),
    };

    [GeneratedRegex(@"\{([A-Za-z]+)(?::[^}]*)?\}")]
    private static partial Regex Parameter();
}
