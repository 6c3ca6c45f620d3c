using Microsoft.Extensions.Logging;
using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;
using Tracker.Storage;

namespace Tracker.Portfolios;

/// <summary>
/// Records progress in three writes: a note on the project that a write is in flight, the update (the record of
/// truth), then the project's state and compact history with the note taken off — each project write with If-Match,
/// retried when another writer got there first. A crash after the first write leaves the note behind, and readers of
/// the compact history rebuild it from the Updates partition (<see cref="ProjectHistories"/>); the state is mended by
/// <see cref="ReadRepairedAsync"/>, which applies a newest update that was not applied.
/// </summary>
public sealed partial class ProgressRecorder(
    ProjectStore projects, UpdateStore updates, ProjectHistories histories, Ids ids, TimeProvider time, ILogger<ProgressRecorder> logger)
{
    /// <summary>Records an update that no retry will repeat (the demo, tests): a fresh id, recorded now.</summary>
    public Task<UpdateEntity> RecordAsync(string portfolioId, string projectId, PostUpdateRequest body, string? reportedBy, CancellationToken ct) =>
        RecordAsync(portfolioId, projectId, body, reportedBy, new RequestIdentity(ids.New(), time.GetUtcNow()), ct);

    /// <param name="identity">the update's id and recording time: a retry of the same request writes the same row.</param>
    public async Task<UpdateEntity> RecordAsync(string portfolioId, string projectId, PostUpdateRequest body, string? reportedBy, RequestIdentity identity,
        CancellationToken ct)
    {
        var update = NewEntity(portfolioId, projectId, body, reportedBy, identity);
        var project = await NotePendingAsync(portfolioId, projectId, identity.Id, ct);
        await updates.AddAsync(update, ct);
        await ApplyAsync(project, [update], identity.Id, ct);
        return update;
    }

    /// <summary>The stored row of an update: its id and recording time from the request's identity.</summary>
    public static UpdateEntity NewEntity(string portfolioId, string projectId, PostUpdateRequest body, string? reportedBy, RequestIdentity identity)
    {
        var (id, now) = (identity.Id, identity.At);
        var reportedAt = body.ReportedAt ?? now;
        return new UpdateEntity
        {
            PartitionKey = UpdateStore.Partition(portfolioId, projectId),
            RowKey = UpdateStore.RowKey(reportedAt, now, id),
            Id = id,
            ProjectId = projectId,
            ReportedAt = reportedAt,
            RecordedAt = now,
            PercentComplete = (double?)body.PercentComplete,
            Spend = (double?)body.Spend,
            Budget = (double?)body.Budget,
            Priority = body.Priority is { } priority ? TrackerJson.Name(priority) : null,
            Status = body.Status is { } status ? TrackerJson.Name(status) : null,
            Rag = body.Rag is { } rag ? TrackerJson.Name(rag) : null,
            Note = body.Note,
            ReportedBy = body.ReportedBy ?? reportedBy,
        };
    }

    /// <summary>
    /// Records many updates at once — what a CSV import does: a pending note on each project in transactions of up to
    /// 100, each project's rows in transactions of up to 100 (a few projects at a time), then the projects' state and
    /// compact history in transactions of up to 100, each project replaced with the ETag it was read with and all its
    /// new updates applied field by field, as single posts apply them (an update reported before a field's newest value
    /// leaves it alone). A transaction that meets a concurrent change (a single post meanwhile) is redone project by
    /// project with If-Match and re-reads, so nothing is lost.
    /// </summary>
    /// <param name="token">the import's request id: its pending note on each project.</param>
    public async Task RecordManyAsync(string portfolioId, IReadOnlyDictionary<string, ProjectEntity> loaded, IReadOnlyList<UpdateEntity> batch, string token,
        CancellationToken ct)
    {
        var byProject = batch.GroupBy(u => u.ProjectId).ToList();
        var current = new Dictionary<string, ProjectEntity>(StringComparer.Ordinal);
        foreach (var chunk in byProject.Chunk(100))
        {
            var noted = chunk.Select(group => loaded[group.Key]).ToList();
            foreach (var project in noted)
            {
                project.AddPending(token, time.GetUtcNow());
            }
            if (!await projects.TryReplaceManyAsync(portfolioId, noted, ct))
            {
                for (var i = 0; i < noted.Count; i++)
                {
                    noted[i] = await NotePendingAsync(portfolioId, chunk[i].Key, token, ct);
                }
            }
            foreach (var project in noted)
            {
                current[project.RowKey] = project;
            }
        }
        await Parallel.ForEachAsync(byProject, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (group, cancel) => await updates.AddManyAsync([.. group], cancel));
        foreach (var chunk in byProject.Chunk(100))
        {
            var changed = new List<ProjectEntity>(chunk.Length);
            foreach (var group in chunk)
            {
                var project = current[group.Key];
                foreach (var update in group)
                {
                    project.Apply(update, time.GetUtcNow());
                }
                await histories.MergeAsync(project, [.. group], token, ct);
                changed.Add(project);
            }
            if (!await projects.TryReplaceManyAsync(portfolioId, changed, ct))
            {
                foreach (var group in chunk)
                {
                    await ApplyAsync(await projects.GetAsync(portfolioId, group.Key, ct), [.. group], token, ct);
                }
            }
        }
    }

    /// <summary>Reads a project, first applying its newest update if a crash left it unapplied.</summary>
    public async Task<ProjectEntity> ReadRepairedAsync(string portfolioId, string projectId, CancellationToken ct)
    {
        var project = await projects.GetAsync(portfolioId, projectId, ct);
        var newest = await updates.NewestAsync(portfolioId, projectId, ct);
        if (newest is null || newest.RowKey == project.LastUpdateKey || newest.ReportedAt < project.LastUpdateAt)
        {
            return project;
        }
        LogRepair(portfolioId, projectId, newest.Id);
        return await ApplyAsync(project, [newest], newest.Id, ct);
    }

    /// <summary>Notes a write in flight on the project (If-Match, retried), before its update rows are written.</summary>
    private Task<ProjectEntity> NotePendingAsync(string portfolioId, string projectId, string token, CancellationToken ct) =>
        ConcurrencyRetry.RunAsync(async _ =>
        {
            var project = await projects.GetAsync(portfolioId, projectId, ct);
            project.AddPending(token, time.GetUtcNow());
            return await projects.ReplaceAsync(project, project.ETag, ct);
        }, time, ct);

    /// <summary>
    /// Applies updates to a project's state and compact history and takes the write's note off, with If-Match,
    /// re-reading and re-applying when another writer got there first.
    /// </summary>
    private Task<ProjectEntity> ApplyAsync(ProjectEntity project, IReadOnlyList<UpdateEntity> batch, string token, CancellationToken ct) =>
        ConcurrencyRetry.RunAsync(async attempt =>
        {
            if (attempt > 1)
            {
                project = await projects.GetAsync(project.PartitionKey, project.RowKey, ct);
            }
            foreach (var update in batch)
            {
                project.Apply(update, time.GetUtcNow());
            }
            await histories.MergeAsync(project, batch, token, ct);
            return await projects.ReplaceAsync(project, project.ETag, ct);
        }, time, ct);

    [LoggerMessage(LogLevel.Warning, "Project {PortfolioId}/{ProjectId} was behind update {UpdateId}; applied it on read")]
    private partial void LogRepair(string portfolioId, string projectId, string updateId);
}
