using Microsoft.Extensions.Logging;
using Tracker.Storage;

namespace Tracker.Portfolios;

/// <summary>A project as the metrics read it: its row and its update facts in replay order.</summary>
public sealed record ProjectFacts(ProjectEntity Project, IReadOnlyList<UpdateFact> Facts);

/// <summary>What reading a portfolio's histories took: rows of each table, and the projects whose facts came from Updates.</summary>
public sealed record HistoryReadCounts(int Projects, int FromUpdates, int UpdateRows, int Repaired);

/// <summary>
/// The compact histories of the projects (<see cref="CompactHistory"/>, kept in the project rows): read, kept in step
/// with the Updates table and repaired from it. The Updates partition of a project is read only when its compact
/// history cannot be trusted: never built (a project stored before they existed), too large for the entity, or with
/// a write noted in flight (<see cref="ProjectEntity.HistoryPending"/>). A rebuilt history is written back when no
/// write can still be in flight; a write-back that meets a concurrent change is left to the next reader.
/// </summary>
public sealed partial class ProjectHistories(ProjectStore projects, UpdateStore updates, TimeProvider time, ILogger<ProjectHistories> logger)
{
    /// <summary>A write notes itself, writes its update rows and merges them within this time; an older note is a crash.</summary>
    public static readonly TimeSpan PendingTimeout = TimeSpan.FromMinutes(10);

    public const int Parallelism = 8;

    /// <summary>Every project of a portfolio with its facts: one query of the Projects partition, Updates only where needed.</summary>
    public async Task<(IReadOnlyList<ProjectFacts> Projects, HistoryReadCounts Counts)> LoadAsync(string portfolioId, CancellationToken ct)
    {
        var rows = await projects.AllAsync(portfolioId, ct);
        var loaded = new ProjectFacts[rows.Count];
        int fromUpdates = 0, updateRows = 0, repaired = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (i, token) =>
            {
                if (rows[i].KeptFacts() is { } kept)
                {
                    loaded[i] = new ProjectFacts(rows[i], kept);
                    return;
                }
                var (facts, wroteBack) = await RebuildAsync(rows[i], token);
                Interlocked.Increment(ref fromUpdates);
                Interlocked.Add(ref updateRows, facts.Count);
                if (wroteBack)
                {
                    Interlocked.Increment(ref repaired);
                }
                loaded[i] = new ProjectFacts(rows[i], facts);
            });
        return (loaded, new HistoryReadCounts(rows.Count, fromUpdates, updateRows, repaired));
    }

    /// <summary>One project's facts: the compact history, or the Updates partition when it cannot be trusted.</summary>
    public async Task<IReadOnlyList<UpdateFact>> FactsAsync(ProjectEntity project, CancellationToken ct) =>
        project.KeptFacts() ?? (await RebuildAsync(project, ct)).Facts;

    /// <summary>
    /// Builds the compact history of every project of a portfolio that has none (the backfill) and repairs those left
    /// with a pending write older than <see cref="PendingTimeout"/>: a query of the partition's history columns, then
    /// a point read and an Updates partition read per project to build. The others are not touched, so running it
    /// again does nothing; a project written meanwhile is left to its writer (which builds it) or to the next run.
    /// </summary>
    /// <returns>how many histories were built or repaired.</returns>
    public async Task<int> BuildMissingAsync(string portfolioId, CancellationToken ct)
    {
        var staleBefore = time.GetUtcNow() - PendingTimeout;
        var due = (await projects.HistoryStatesAsync(portfolioId, ct)).Where(p => NeedsBuild(p, staleBefore)).Select(p => p.RowKey).ToList();
        var built = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (projectId, token) =>
        {
            if (await projects.FindAsync(portfolioId, projectId, token) is { } project && NeedsBuild(project, staleBefore)
                && (await RebuildAsync(project, token)).WroteBack)
            {
                Interlocked.Increment(ref built);
            }
        });
        return built;
    }

    private static bool NeedsBuild(ProjectEntity p, DateTimeOffset staleBefore) =>
        !p.HistoryTooLarge && (p.HistoryCount is null || p.PendingEntries().Any() && p.PendingEntries().All(e => e.At < staleBefore));

    /// <summary>
    /// Reads a project's facts from its Updates partition and writes them back as its compact history when that is
    /// safe: the history was never built, or every write noted in flight is older than <see cref="PendingTimeout"/>.
    /// </summary>
    private async Task<(List<UpdateFact> Facts, bool WroteBack)> RebuildAsync(ProjectEntity project, CancellationToken ct)
    {
        var facts = await updates.FactsAsync(project.PartitionKey, project.RowKey, ct);
        var staleBefore = time.GetUtcNow() - PendingTimeout;
        var pending = project.PendingEntries().ToList();
        if (project.HistoryTooLarge || pending.Any(e => e.At >= staleBefore))
        {
            return (facts, false);
        }
        project.KeepFacts(facts);
        project.DropPendingBefore(staleBefore);
        try
        {
            await projects.ReplaceAsync(project, project.ETag, ct);
        }
        catch (ChangedSinceReadException)
        {
            return (facts, false);
        }
        LogRebuilt(project.PartitionKey, project.RowKey, facts.Count, pending.Count > 0 ? "a write noted in flight did not finish" : "it had none");
        return (facts, true);
    }

    /// <summary>
    /// Merges a write's new update rows into a project's compact history (the row in hand, not yet stored) and takes
    /// the write's pending note off; rebuilds from the Updates partition instead when the note was taken by a repair,
    /// a new row ties with a stored one (a retried write), or the history was never built.
    /// </summary>
    public async Task MergeAsync(ProjectEntity project, IReadOnlyList<UpdateEntity> added, string token, CancellationToken ct)
    {
        var own = project.RemovePending(token);
        if (project.HistoryTooLarge)
        {
            return;
        }
        if (own && project.Facts() is { } stored && CompactHistory.Merge(stored, added) is { } merged)
        {
            project.KeepFacts(merged);
            return;
        }
        project.KeepFacts(await updates.FactsAsync(project.PartitionKey, project.RowKey, ct));
        project.DropPendingBefore(time.GetUtcNow() - PendingTimeout);
    }

    [LoggerMessage(LogLevel.Information, "Compact history of {PortfolioId}/{ProjectId} rebuilt from its {FactCount} updates: {Reason}")]
    private partial void LogRebuilt(string portfolioId, string projectId, int factCount, string reason);
}
