using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Metrics;

/// <summary>
/// Reads what the engine needs: one query of the portfolio's Projects partition, whose rows carry each project's
/// compact history (<see cref="ProjectHistories"/>); a project's Updates partition is read only when its compact
/// history is missing or cannot be trusted.
/// </summary>
public sealed class HistoryLoader(ProjectHistories histories)
{
    public async Task<IReadOnlyList<ProjectHistory>> LoadAsync(string portfolioId, CancellationToken ct) => (await LoadWithCountsAsync(portfolioId, ct)).Histories;

    public async Task<(IReadOnlyList<ProjectHistory> Histories, HistoryReadCounts Counts)> LoadWithCountsAsync(string portfolioId, CancellationToken ct)
    {
        var (projects, counts) = await histories.LoadAsync(portfolioId, ct);
        return ([.. projects.Select(p => ToHistory(p.Project, p.Facts))], counts);
    }

    /// <summary>The project rows with their facts, for callers that need more of a project than the engine does (names).</summary>
    public Task<(IReadOnlyList<ProjectFacts> Projects, HistoryReadCounts Counts)> LoadProjectsAsync(string portfolioId, CancellationToken ct) =>
        histories.LoadAsync(portfolioId, ct);

    public async Task<ProjectHistory> LoadProjectAsync(ProjectEntity project, CancellationToken ct) =>
        ToHistory(project, await histories.FactsAsync(project, ct));

    public static ProjectHistory ToHistory(ProjectEntity p, IReadOnlyList<UpdateFact> updates) => new(
        Id: p.RowKey,
        Category: TrackerJson.Parse<Category>(p.Category) ?? Category.Cloud,
        StartDate: DateOnly.FromDateTime(p.StartDate.UtcDateTime),
        TargetDate: p.TargetDate is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : null,
        CustomerEngagement: p.CustomerEngagement,
        CustomerKpi: p.CustomerKpi,
        FinancialMeasure: p.FinancialMeasure,
        InitialStatus: TrackerJson.Parse<ProjectStatus>(p.InitialStatus) ?? ProjectStatus.Active,
        InitialPriority: TrackerJson.Parse<Priority>(p.InitialPriority) ?? Priority.Medium,
        InitialBudget: p.InitialBudget,
        InitialSpend: p.InitialSpend,
        InitialPercentComplete: p.InitialPercentComplete,
        Updates: updates);
}
