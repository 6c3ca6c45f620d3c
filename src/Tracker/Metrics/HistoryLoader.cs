using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Metrics;

/// <summary>
/// Reads what the engine needs, partition by partition: one query of the portfolio's Projects partition, then one
/// query of each project's Updates partition (a few in parallel), with only the columns the engine uses.
/// </summary>
public sealed class HistoryLoader(ProjectStore projectStore, UpdateStore updateStore)
{
    public const int Parallelism = 8;

    private static readonly string[] UpdateColumns =
        ["ReportedAt", "RecordedAt", "PercentComplete", "Spend", "Budget", "Priority", "Status", "Rag"];

    public async Task<IReadOnlyList<ProjectHistory>> LoadAsync(string portfolioId, CancellationToken ct)
    {
        var projects = await projectStore.AllAsync(portfolioId, ct);
        var histories = new ProjectHistory[projects.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, projects.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (i, token) => histories[i] = ToHistory(projects[i], await LoadUpdatesAsync(portfolioId, projects[i].RowKey, token)));
        return histories;
    }

    public async Task<ProjectHistory> LoadProjectAsync(ProjectEntity project, CancellationToken ct) =>
        ToHistory(project, await LoadUpdatesAsync(project.PartitionKey, project.RowKey, ct));

    private async Task<List<UpdateFact>> LoadUpdatesAsync(string portfolioId, string projectId, CancellationToken ct)
    {
        var updates = new List<UpdateFact>();
        await foreach (var u in updateStore.EveryAsync(portfolioId, projectId, UpdateColumns, ct))
        {
            updates.Add(new UpdateFact(
                u.ReportedAt, u.RecordedAt, u.PercentComplete, u.Spend, u.Budget,
                TrackerJson.Parse<Priority>(u.Priority), TrackerJson.Parse<ProjectStatus>(u.Status), TrackerJson.Parse<Rag>(u.Rag)));
        }
        // The partition reads newest first; the engine wants oldest first and sorts only if it must.
        updates.Reverse();
        return updates;
    }

    public static ProjectHistory ToHistory(ProjectEntity p, IReadOnlyList<UpdateFact> updates) => new(
        p.RowKey,
        TrackerJson.Parse<Category>(p.Category) ?? Category.Cloud,
        DateOnly.FromDateTime(p.StartDate.UtcDateTime),
        p.TargetDate is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : null,
        p.CustomerEngagement,
        p.CustomerKpi,
        p.FinancialMeasure,
        TrackerJson.Parse<ProjectStatus>(p.InitialStatus) ?? ProjectStatus.Active,
        TrackerJson.Parse<Priority>(p.InitialPriority) ?? Priority.Medium,
        p.InitialBudget,
        p.InitialSpend,
        p.InitialPercentComplete,
        updates);
}
