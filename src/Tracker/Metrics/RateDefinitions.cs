using Tracker.Baselines;
using Tracker.Portfolios;

namespace Tracker.Metrics;

/// <summary>
/// One portfolio rate, declared once: its id (the API field, and in PascalCase the snapshot columns and feed
/// properties <c>{Id}Value</c>, <c>{Id}Baseline</c>, <c>{Id}GapPoints</c>, <c>{Id}Standing</c>), the survey baseline it is
/// compared with, the digest headline (null: not a headline) and how it is counted over the active projects.
/// </summary>
/// <param name="Counts">whether an active project counts towards the rate; null keeps it out of the rate's population.</param>
/// <param name="ByBudget">a share of the population's budget instead of its number of projects.</param>
public sealed record RateDefinition(string Id, string BaselineId, string? Headline, Func<ProjectMetrics, ProjectHistory, bool?> Counts, bool ByBudget = false)
{
    /// <summary>The id as a column or property name: PascalCase.</summary>
    public string Column => char.ToUpperInvariant(Id[0]) + Id[1..];
}

/// <summary>Every portfolio rate, in the order the API, the snapshots, the feed and the digest list them (docs/metrics.md §4).</summary>
public static class RateDefinitions
{
    public static readonly IReadOnlyList<RateDefinition> All =
    [
        new("priority", "priority", "More priority for digital transformation", (m, _) => Prioritised(m)),
        new("priorityByBudget", "priority", null, (m, _) => Prioritised(m), ByBudget: true),
        // "speed" is the survey's word for it; the rate kept the name it was published with.
        new("acceleration", "speed", "Speeding up existing projects", (m, _) => m.Accelerating),
        new("investment", "investment", "Investing more", (m, _) => m.InvestmentIncreased),
        new("investmentByBudget", "investment", null, (m, _) => m.InvestmentIncreased, ByBudget: true),
        new("customerEngagement", "customerEngagement", "Aimed at customer engagement", (_, p) => p.CustomerEngagement),
        new("customerOutcomeLink", "customerOutcomeLink", "Customer outcome linked to the bottom line",
            (_, p) => !string.IsNullOrWhiteSpace(p.CustomerKpi) && !string.IsNullOrWhiteSpace(p.FinancialMeasure)),
        new("cloud", "cloud", null, (m, _) => m.Category == Category.Cloud),
        new("crm", "crm", null, (m, _) => m.Category == Category.Crm),
        new("ai", "ai", null, (m, _) => m.Category == Category.Ai),
    ];

    /// <summary>The ids, in order.</summary>
    public static IEnumerable<string> Ids => All.Select(d => d.Id);

    /// <summary>Each rate's baseline value from the configured survey baselines.</summary>
    public static IReadOnlyDictionary<string, double> Baselines(BaselineOptions options)
    {
        var survey = SurveyBaselines.All(options).ToDictionary(b => b.Id, b => b.Value, StringComparer.Ordinal);
        return All.ToDictionary(d => d.Id, d => survey[d.BaselineId], StringComparer.Ordinal);
    }

    private static bool Prioritised(ProjectMetrics m) => m.Priority >= Priority.High || m.PriorityRaised;
}
