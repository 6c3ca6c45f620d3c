using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Spreadsheets;

/// <summary>
/// CSV in and out. Imports validate every row before anything is written (any error: 422 with the report, nothing
/// written; <c>?dryRun=true</c>: the report, nothing written) and write in entity group transactions of up to 100 per
/// partition. Exports use the import's columns, so export, edit in Excel, import round-trips.
/// </summary>
public sealed class SpreadsheetHandlers(PortfolioStore portfolios, ProjectStore projects, UpdateStore updates, ProgressRecorder recorder)
{
    public async Task<ApiResponse> ImportProjects(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var rows = CsvFiles.Read(await call.ReadFileAsync(), ProjectSheet.Columns, []);
        var dryRun = Query.Bool(call.Request, "dryRun");
        await portfolios.GetAsync(portfolioId, call.Aborted);
        var existing = (await projects.AllAsync(portfolioId, call.Aborted)).ToDictionary(p => p.RowKey, StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var report = new List<ImportRow>();
        var writes = new List<(ProjectEntity Entity, bool IsNew)>();
        foreach (var row in rows)
        {
            var v = new Validation();
            var current = row["id"] is { } given && existing.TryGetValue(given, out var found) ? found : null;
            var wanted = ProjectSheet.Read(row, current, v);
            wanted = wanted with { Id = wanted.Id ?? $"{call.Identity.Id}-{row.Number}" };
            if (seen.TryGetValue(wanted.Id!, out var first))
            {
                v.Add("id", $"id '{wanted.Id}' is on row {first} already.");
            }
            seen.TryAdd(wanted.Id!, row.Number);
            wanted.Validate(v, call.Identity.At);
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
                var entity = ProjectHandlers.NewEntity(portfolioId, wanted, wanted.Id!, call.Identity.At);
                entity.RequestId = call.Identity.Id;
                writes.Add((entity, true));
                report.Add(new ImportRow(row.Number, wanted.Id, ImportOutcome.Created));
            }
            else if (ProjectSheet.Changes(current, wanted))
            {
                current.ApplyDescriptive(wanted, call.Identity.At);
                writes.Add((current, false));
                report.Add(new ImportRow(row.Number, wanted.Id, ImportOutcome.Updated));
            }
            else
            {
                report.Add(new ImportRow(row.Number, wanted.Id, ImportOutcome.Unchanged));
            }
        }
        var result = ImportReport.Of(dryRun, report);
        ThrowIfAnyError(result);
        if (!dryRun)
        {
            await projects.SubmitAsync(portfolioId, writes, call.Aborted);
        }
        return ApiResponse.Ok(result);
    }

    public async Task<ApiResponse> ImportUpdates(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var rows = CsvFiles.Read(await call.ReadFileAsync(), UpdateSheet.Columns, ["projectId"]);
        var dryRun = Query.Bool(call.Request, "dryRun");
        await portfolios.GetAsync(portfolioId, call.Aborted);
        var loaded = (await projects.AllAsync(portfolioId, call.Aborted)).ToDictionary(p => p.RowKey, StringComparer.Ordinal);
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
            wanted.Validate(v, call.Identity.At);
            var id = row["id"];
            UpdateEntity? stored = null;
            if (id is not null && v.IsValid)
            {
                if (!histories.TryGetValue(projectId, out var history))
                {
                    history = histories[projectId] = (await updates.AllAsync(portfolioId, projectId, null, null, call.Aborted)).ToDictionary(u => u.Id, StringComparer.Ordinal);
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
            // Ids from the call.Request's identity: a retry of the same file (same Idempotency-Key) writes the same rows.
            var update = ProgressRecorder.NewEntity(portfolioId, projectId, wanted, call.Caller.Name,
                new RequestIdentity($"{call.Identity.Id}-{row.Number:D4}", call.Identity.At));
            created.Add(update);
            report.Add(new ImportRow(row.Number, update.Id, ImportOutcome.Created));
        }
        var result = ImportReport.Of(dryRun, report);
        ThrowIfAnyError(result);
        if (!dryRun)
        {
            await recorder.RecordManyAsync(portfolioId, loaded, created, call.Identity.Id, call.Aborted);
        }
        return ApiResponse.Ok(result);
    }

    /// <summary>Every update of every project of a portfolio in [from, to), as CSV: the portfolio-wide export.</summary>
    public async Task<ApiResponse> ExportUpdates(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        if (!CsvFiles.Wanted(call.Request))
        {
            throw new ApiProblemException(406, "Not acceptable",
                "This export answers text/csv only: ask with Accept: text/csv. JSON history is per project (.../projects/{projectId}/updates) or in the OData feed's Updates set.");
        }
        var portfolio = await portfolios.GetAsync(portfolioId, call.Aborted);
        var (from, to) = Query.Range(call.Request, portfolio.Zone);
        var rows = new List<IReadOnlyList<string?>>();
        foreach (var project in await projects.AllAsync(portfolioId, call.Aborted))
        {
            rows.AddRange((await updates.AllAsync(portfolioId, project.RowKey, from, to, call.Aborted)).Select(UpdateSheet.Row));
        }
        return CsvFiles.Write($"{portfolioId}-updates.csv", UpdateSheet.Columns, rows);
    }

    /// <summary>The projects list as CSV (Accept: text/csv on the list route): the list's filters apply, all pages at once.</summary>
    public async Task<ApiResponse> ExportProjects(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var status = Query.Enum<ProjectStatus>(call.Request, "status");
        var category = Query.Enum<Category>(call.Request, "category");
        var priority = Query.Enum<Priority>(call.Request, "priority");
        await portfolios.GetAsync(portfolioId, call.Aborted);
        var all = await projects.AllAsync(portfolioId, call.Aborted);
        var rows = all.Where(p => (status is null || p.Status == TrackerJson.Name(status.Value)) && (category is null || p.Category == TrackerJson.Name(category.Value))
            && (priority is null || p.Priority == TrackerJson.Name(priority.Value))).Select(ProjectSheet.Row);
        return CsvFiles.Write($"{portfolioId}-projects.csv", ProjectSheet.Columns, rows);
    }

    /// <summary>A project's history in [from, to) as CSV, newest first (Accept: text/csv on the history route).</summary>
    public async Task<ApiResponse> ExportProjectUpdates(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var projectId = call.Route("projectId");
        var portfolio = await portfolios.GetAsync(portfolioId, call.Aborted);
        var (from, to) = Query.Range(call.Request, portfolio.Zone);
        await projects.GetAsync(portfolioId, projectId, call.Aborted);
        return CsvFiles.Write($"{portfolioId}-{projectId}-updates.csv", UpdateSheet.Columns,
            (await updates.AllAsync(portfolioId, projectId, from, to, call.Aborted)).Select(UpdateSheet.Row));
    }

    private static void ThrowIfAnyError(ImportReport report)
    {
        if (report.Totals.Errors == 0)
        {
            return;
        }
        throw new ApiProblemException(422, "Import refused",
            $"{report.Totals.Errors} of {report.Rows.Count} rows are invalid; nothing was written. Each row's errors are in the report.",
            report.Rows.Where(r => r.Errors is not null).SelectMany(r => r.Errors!.Select(e => (Key: $"row {r.Row}: {e.Key}", e.Value)))
                .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal))
        {
            Extensions = new Dictionary<string, object?> { ["report"] = report },
        };
    }
}
