using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Spreadsheets;

/// <summary>
/// Imports and exports of CSV files, for the API's routes and the dashboard's pages alike. Imports validate every row
/// before anything is written (any invalid row: nothing written; a dry run: nothing written) and write in entity group
/// transactions of up to 100 per partition. Exports use the import's columns, so export, edit in Excel, import
/// round-trips.
/// </summary>
public sealed class SpreadsheetImports(PortfolioStore portfolios, ProjectStore projects, UpdateStore updates, ProgressRecorder recorder)
{
    /// <summary>Creates and changes projects from a CSV file; a report per row. Writes nothing when any row is invalid or on a dry run.</summary>
    /// <param name="identity">the import's id and moment: a project without an id gets one from it and its row.</param>
    public async Task<ImportReport> ProjectsAsync(string portfolioId, byte[] file, bool dryRun, RequestIdentity identity, CancellationToken ct)
    {
        var rows = CsvFiles.Read(file, ProjectSheet.Columns, []);
        await portfolios.GetAsync(portfolioId, ct);
        var existing = (await projects.AllAsync(portfolioId, ct)).ToDictionary(p => p.RowKey, StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var report = new List<ImportRow>();
        var writes = new List<(ProjectEntity Entity, bool IsNew)>();
        foreach (var row in rows)
        {
            var v = new Validation();
            var current = row["id"] is { } given && existing.TryGetValue(given, out var found) ? found : null;
            var wanted = ProjectSheet.Read(row, current, v);
            wanted = wanted with { Id = wanted.Id ?? $"{identity.Id}-{row.Number}" };
            if (seen.TryGetValue(wanted.Id!, out var first))
            {
                v.Add("id", $"id '{wanted.Id}' is on row {first} already.");
            }
            seen.TryAdd(wanted.Id!, row.Number);
            wanted.Validate(v, identity.At);
            foreach (var field in current is null ? [] : ProjectSheet.MeasuredChanges(current, wanted))
            {
                v.Add(field, $"{field} is measured: it changes through progress updates (updates:import), not here.");
            }
            if (!v.IsValid)
            {
                report.Add(new ImportRow(row.Number, wanted.Id, ImportOutcome.Error, v.Errors));
            }
            else if (current is null)
            {
                var entity = ProjectHandlers.NewEntity(portfolioId, wanted, wanted.Id!, identity.At);
                entity.RequestId = identity.Id;
                writes.Add((entity, true));
                report.Add(new ImportRow(row.Number, wanted.Id, ImportOutcome.Created));
            }
            else if (ProjectSheet.Changes(current, wanted))
            {
                current.ApplyDescriptive(wanted, identity.At);
                writes.Add((current, false));
                report.Add(new ImportRow(row.Number, wanted.Id, ImportOutcome.Updated));
            }
            else
            {
                report.Add(new ImportRow(row.Number, wanted.Id, ImportOutcome.Unchanged));
            }
        }
        var result = ImportReport.Of(dryRun, report);
        if (!dryRun && result.Totals.Errors == 0)
        {
            await projects.SubmitAsync(portfolioId, writes, ct);
        }
        return result;
    }

    /// <summary>Posts progress updates from a CSV file, with the semantics of single posts; a report per row. Writes nothing when any row is invalid or on a dry run.</summary>
    /// <param name="identity">the import's id and moment: a retry with the same identity writes the same rows.</param>
    /// <param name="reportedBy">who reports an update whose row names nobody: the caller.</param>
    public async Task<ImportReport> UpdatesAsync(string portfolioId, byte[] file, bool dryRun, RequestIdentity identity, string? reportedBy, CancellationToken ct)
    {
        var rows = CsvFiles.Read(file, UpdateSheet.Columns, ["projectId"]);
        await portfolios.GetAsync(portfolioId, ct);
        var loaded = (await projects.AllAsync(portfolioId, ct)).ToDictionary(p => p.RowKey, StringComparer.Ordinal);
        var known = loaded.Keys.ToHashSet(StringComparer.Ordinal);
        var histories = new Dictionary<string, Dictionary<string, UpdateEntity>>(StringComparer.Ordinal);
        var report = new List<ImportRow>();
        var created = new List<UpdateEntity>();
        foreach (var row in rows)
        {
            var v = new Validation();
            var projectId = row["projectId"] ?? "";
            if (!known.Contains(projectId))
            {
                v.Add("projectId", projectId.Length == 0 ? "projectId is required." : $"There is no project '{projectId}' in portfolio '{portfolioId}'.");
            }
            var wanted = UpdateSheet.Read(row, v);
            wanted.Validate(v, identity.At);
            var id = row["id"];
            UpdateEntity? stored = null;
            if (id is not null && v.IsValid)
            {
                if (!histories.TryGetValue(projectId, out var history))
                {
                    history = histories[projectId] = (await updates.AllAsync(portfolioId, projectId, null, null, ct)).ToDictionary(u => u.Id, StringComparer.Ordinal);
                }
                stored = history.GetValueOrDefault(id);
                if (stored is null)
                {
                    v.Add("id", $"'{id}' is not an update of project '{projectId}'; leave id empty to add a new update.");
                }
                else if (!UpdateSheet.Same(stored, wanted))
                {
                    v.Add("id", $"Update '{id}' says otherwise; history is not edited: leave id empty to add a new update.");
                }
            }
            if (!v.IsValid)
            {
                report.Add(new ImportRow(row.Number, id, ImportOutcome.Error, v.Errors));
                continue;
            }
            if (stored is not null)
            {
                report.Add(new ImportRow(row.Number, id, ImportOutcome.Unchanged));
                continue;
            }
            // Ids from the import's identity: a retry of the same file (same Idempotency-Key) writes the same rows.
            var update = ProgressRecorder.NewEntity(portfolioId, projectId, wanted, reportedBy,
                new RequestIdentity($"{identity.Id}-{row.Number:D4}", identity.At));
            created.Add(update);
            report.Add(new ImportRow(row.Number, update.Id, ImportOutcome.Created));
        }
        var result = ImportReport.Of(dryRun, report);
        if (!dryRun && result.Totals.Errors == 0)
        {
            await recorder.RecordManyAsync(portfolioId, loaded, created, identity.Id, ct);
        }
        return result;
    }

    /// <summary>Every update of every project of a portfolio in [from, to), as CSV: the portfolio-wide export.</summary>
    public async Task<ApiResponse> ExportUpdatesAsync(string portfolioId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var rows = new List<IReadOnlyList<string?>>();
        foreach (var project in await projects.AllAsync(portfolioId, ct))
        {
            rows.AddRange((await updates.AllAsync(portfolioId, project.RowKey, from, to, ct)).Select(UpdateSheet.Row));
        }
        return CsvFiles.Write($"{portfolioId}-updates.csv", UpdateSheet.Columns, rows);
    }

    /// <summary>The portfolio's projects as CSV, optionally only those of a status, category and priority.</summary>
    public async Task<ApiResponse> ExportProjectsAsync(string portfolioId, ProjectStatus? status, Category? category, Priority? priority, CancellationToken ct)
    {
        await portfolios.GetAsync(portfolioId, ct);
        var all = await projects.AllAsync(portfolioId, ct);
        var rows = all.Where(p => (status is null || p.Status == TrackerJson.Name(status.Value)) && (category is null || p.Category == TrackerJson.Name(category.Value))
            && (priority is null || p.Priority == TrackerJson.Name(priority.Value))).Select(ProjectSheet.Row);
        return CsvFiles.Write($"{portfolioId}-projects.csv", ProjectSheet.Columns, rows);
    }
}
