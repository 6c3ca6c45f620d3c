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
        [
            nameof(UpdateEntity.ReportedAt), nameof(UpdateEntity.RecordedAt), nameof(UpdateEntity.PercentComplete), nameof(UpdateEntity.Spend),
            nameof(UpdateEntity.Budget), nameof(UpdateEntity.Priority), nameof(UpdateEntity.Status), nameof(UpdateEntity.Rag),
        ];

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
