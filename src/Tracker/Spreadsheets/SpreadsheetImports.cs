using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Spreadsheets;

/// <summary>
/// An uploaded sheet: its bytes, whether it is an .xlsx workbook (else CSV), the workbook's sheet to read (null: the
/// first) and the request's explicit column mapping (<c>Header:column</c> entries, see <see cref="SheetMapping"/>).
/// The file is read once as projects or as updates, however often its rows are asked for (the import, then the
/// annotated dry run).
/// </summary>
public sealed record SheetFile(byte[] Bytes, bool Xlsx = false, string? Sheet = null, IReadOnlyList<string>? Map = null)
{
    private SheetRows? _projects;
    private SheetRows? _updates;

    /// <summary>The file's rows as projects, and the mapping used (see <see cref="SheetMapping.Apply"/>).</summary>
    public SheetRows ProjectRows() => _projects ??= Rows(ProjectSheet.Columns, [], ProjectSheet.Synonyms);

    /// <summary>The file's rows as progress updates (projectId required), and the mapping used.</summary>
    public SheetRows UpdateRows() => _updates ??= Rows(UpdateSheet.Columns, ["projectId"], UpdateSheet.Synonyms);

    private SheetRows Rows(IReadOnlyList<string> columns, IReadOnlyList<string> required, IReadOnlyDictionary<string, string> synonyms)
    {
        var (header, rows) = Xlsx ? XlsxFiles.Read(Bytes, Sheet) : CsvFiles.Read(Bytes);
        return SheetMapping.Apply(header, rows, columns, required, synonyms, Map ?? []);
    }
}

/// <summary>
/// Imports and exports of CSV files and .xlsx workbooks, and the projects template, for the API's routes and the
/// dashboard's pages alike. Imports validate every row before anything is written (any invalid row: nothing written;
/// a dry run: nothing written) and write in entity group transactions of up to 100 per partition. Exports use the
/// import's columns, so export, edit in Excel, import round-trips.
/// </summary>
public sealed class SpreadsheetImports(PortfolioStore portfolios, ProjectStore projects, UpdateStore updates, ProgressRecorder recorder, TimeProvider time)
{
    /// <summary>
    /// Creates and changes projects from a CSV file or a workbook; a report per row. Writes nothing when any row is invalid or on a
    /// dry run. A row without an id is the project of that name when there is one (case-insensitive), else a new
    /// project whose id comes from its name. A changed measured field (status, priority, budget, spend, percent, RAG) of an
    /// existing project is recorded as a progress update reported by <paramref name="reportedBy"/>, as a single post would.
    /// </summary>
    /// <param name="identity">the import's id and moment: the updates it records are named after it and the row.</param>
    /// <param name="culture">how text cells write numbers and dates (BCP 47; null: the invariant culture and unambiguous forms).</param>
    public async Task<ImportReport> ProjectsAsync(string portfolioId, SheetFile file, bool dryRun, RequestIdentity identity, string? reportedBy, string? culture,
        CancellationToken ct)
    {
        var portfolio = await portfolios.GetAsync(portfolioId, ct);
        var format = SheetFormat.From(culture, portfolio.Zone);
        var sheet = file.ProjectRows();
        var existing = (await projects.AllAsync(portfolioId, ct)).ToDictionary(p => p.RowKey, StringComparer.Ordinal);
        var byName = existing.Values.GroupBy(p => p.Name.Trim(), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var report = new List<ImportRow>();
        var writes = new List<(ProjectEntity Entity, bool IsNew)>();
        var progress = new List<UpdateEntity>();
        foreach (var row in sheet.Rows)
        {
            if (CsvFiles.IsTotals(row, "name"))
            {
                report.Add(new ImportRow(row.Number, null, ImportOutcome.Skipped, null, ["A totals row: skipped."]));
                continue;
            }
            var v = new Validation();
            var notes = new List<string>();
            var current = row["id"] is { } given && existing.TryGetValue(given, out var found) ? found : null;
            if (row["id"] is null && row["name"] is { } name && byName.TryGetValue(name.Trim(), out var named))
            {
                if (named.Count == 1)
                {
                    current = named[0];
                    notes.Add($"No id: matched to project '{current.RowKey}' by its name.");
                }
                else
                {
                    v.Add("id", $"{named.Count} projects are named '{name.Trim()}' ({string.Join(", ", named.Select(p => p.RowKey))}); give the id of the one you mean.");
                }
            }
            var wanted = ProjectSheet.Read(row, current, format, v);
            var rag = ProjectSheet.ReadRag(row, format, v);
            if (wanted.Id is null)
            {
                wanted = wanted with { Id = ProjectSheet.IdFromName(wanted.Name, id => existing.ContainsKey(id) || seen.ContainsKey(id)) };
                notes.Add($"No id: '{wanted.Id}', from its name.");
            }
            if (seen.TryGetValue(wanted.Id!, out var first))
            {
                v.Add("id", $"id '{wanted.Id}' is on row {first} already.");
            }
            seen.TryAdd(wanted.Id!, row.Number);
            wanted.Validate(v, identity.At);
            var measured = current is null ? [] : ProjectSheet.MeasuredChanges(current, wanted, rag).ToList();
            if (!v.IsValid)
            {
                report.Add(new ImportRow(row.Number, wanted.Id, ImportOutcome.Error, v.Errors, notes));
                continue;
            }
            if (current is null)
            {
                var entity = ProjectHandlers.NewEntity(portfolioId, wanted, wanted.Id!, identity.At);
                entity.RequestId = identity.Id;
                writes.Add((entity, true));
                if (rag is not null)
                {
                    // A project is created without a RAG; the one its row reports is its first progress update.
                    progress.Add(ProgressRecorder.NewEntity(portfolioId, entity.RowKey, new PostUpdateRequest { Rag = rag }, reportedBy,
                        new RequestIdentity($"{identity.Id}-p{row.Number:D4}", identity.At)));
                    notes.Add($"RAG {TrackerJson.Name(rag.Value)}: recorded as its first progress update.");
                }
                report.Add(new ImportRow(row.Number, wanted.Id, ImportOutcome.Created, null, notes));
                continue;
            }
            var descriptive = ProjectSheet.Changes(current, wanted);
            if (descriptive)
            {
                current.ApplyDescriptive(wanted, identity.At);
                writes.Add((current, false));
            }
            if (measured.Count > 0)
            {
                // Progress, not an edit: recorded as the update a single post would make, so history keeps it.
                progress.Add(ProgressRecorder.NewEntity(portfolioId, current.RowKey, ProjectSheet.ProgressOf(wanted, rag, measured), reportedBy,
                    new RequestIdentity($"{identity.Id}-p{row.Number:D4}", identity.At)));
                notes.Add("Recorded as a progress update: " + string.Join(", ", measured.Select(m => $"{m.Field} {m.Stored} → {m.File}")) + ".");
            }
            report.Add(new ImportRow(row.Number, wanted.Id, descriptive || measured.Count > 0 ? ImportOutcome.Updated : ImportOutcome.Unchanged, null, notes));
        }
        var result = ImportReport.Of(dryRun, report) with { Columns = sheet.Columns };
        if (!dryRun && result.Totals.Errors == 0)
        {
            await projects.SubmitAsync(portfolioId, writes, ct);
            if (progress.Count > 0)
            {
                var loaded = (await projects.AllAsync(portfolioId, ct)).ToDictionary(p => p.RowKey, StringComparer.Ordinal);
                await recorder.RecordManyAsync(portfolioId, loaded, progress, identity.Id + "-p", ct);
            }
        }
        return result;
    }

    /// <summary>Posts progress updates from a CSV file or a workbook, with the semantics of single posts; a report per row. Writes nothing when any row is invalid or on a dry run.</summary>
    /// <param name="identity">the import's id and moment: a retry with the same identity writes the same rows.</param>
    /// <param name="reportedBy">who reports an update whose row names nobody: the caller.</param>
    /// <param name="culture">how text cells write numbers and dates (BCP 47; null: the invariant culture and unambiguous forms).</param>
    public async Task<ImportReport> UpdatesAsync(string portfolioId, SheetFile file, bool dryRun, RequestIdentity identity, string? reportedBy, string? culture,
        CancellationToken ct)
    {
        var portfolio = await portfolios.GetAsync(portfolioId, ct);
        var format = SheetFormat.From(culture, portfolio.Zone);
        var sheet = file.UpdateRows();
        var loaded = (await projects.AllAsync(portfolioId, ct)).ToDictionary(p => p.RowKey, StringComparer.Ordinal);
        var known = loaded.Keys.ToHashSet(StringComparer.Ordinal);
        var histories = new Dictionary<string, Dictionary<string, UpdateEntity>>(StringComparer.Ordinal);
        var report = new List<ImportRow>();
        var created = new List<UpdateEntity>();
        foreach (var row in sheet.Rows)
        {
            if (CsvFiles.IsTotals(row, "projectId"))
            {
                report.Add(new ImportRow(row.Number, null, ImportOutcome.Skipped, null, ["A totals row: skipped."]));
                continue;
            }
            var v = new Validation();
            var projectId = row["projectId"] ?? "";
            if (!known.Contains(projectId))
            {
                v.Add("projectId", projectId.Length == 0 ? "projectId is required." : $"There is no project '{projectId}' in portfolio '{portfolioId}'.");
            }
            var wanted = UpdateSheet.Read(row, format, v);
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
                else if (UpdateSheet.Differences(stored, wanted) is { Count: > 0 } differences)
                {
                    v.Add("id", $"Update '{id}' is stored otherwise — " + string.Join("; ", differences.Select(d => $"{d.Field}: stored {d.Stored ?? "empty"}, file {d.File ?? "empty"}"))
                        + ". History is not edited: leave id empty to add a new update.");
                }
            }
            else if (id is null && v.IsValid && loaded[projectId].KeptFacts() is { } facts && UpdateSheet.Known(facts, wanted))
            {
                report.Add(new ImportRow(row.Number, null, ImportOutcome.Unchanged, null, ["Already recorded: an update of this project at this reportedAt says the same."]));
                continue;
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
        var result = ImportReport.Of(dryRun, report) with { Columns = sheet.Columns };
        if (!dryRun && result.Totals.Errors == 0)
        {
            await recorder.RecordManyAsync(portfolioId, loaded, created, identity.Id, ct);
        }
        return result;
    }

    /// <summary>Every update of every project of a portfolio in [from, to), as CSV: the portfolio-wide export.</summary>
    public async Task<ApiResponse> ExportUpdatesAsync(string portfolioId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct, bool xlsx = false)
    {
        var portfolio = await portfolios.GetAsync(portfolioId, ct);
        var rows = new List<IReadOnlyList<string?>>();
        foreach (var project in await projects.AllAsync(portfolioId, ct))
        {
            rows.AddRange((await updates.AllAsync(portfolioId, project.RowKey, from, to, ct)).Select(UpdateSheet.Row));
        }
        return xlsx ? XlsxWriter.Write($"{portfolioId}-updates.xlsx", UpdateSheet.Columns, UpdateSheet.Kinds, rows, portfolio.Currency)
            : CsvFiles.Write($"{portfolioId}-updates.csv", UpdateSheet.Columns, rows);
    }

    /// <summary>The portfolio's projects as CSV, optionally only those of a status, category and priority.</summary>
    public async Task<ApiResponse> ExportProjectsAsync(string portfolioId, ProjectStatus? status, Category? category, Priority? priority, CancellationToken ct,
        bool xlsx = false)
    {
        var portfolio = await portfolios.GetAsync(portfolioId, ct);
        var all = await projects.AllAsync(portfolioId, ct);
        var rows = all.Where(p => (status is null || p.Status == TrackerJson.Name(status.Value)) && (category is null || p.Category == TrackerJson.Name(category.Value))
            && (priority is null || p.Priority == TrackerJson.Name(priority.Value))).Select(ProjectSheet.Row);
        return xlsx ? XlsxWriter.Write($"{portfolioId}-projects.xlsx", ProjectSheet.Columns, ProjectSheet.Kinds, rows, portfolio.Currency)
            : CsvFiles.Write($"{portfolioId}-projects.csv", ProjectSheet.Columns, rows);
    }

    /// <summary>The projects template of a portfolio (<see cref="ProjectTemplate"/>): its currency, an example row dated this month in its time zone.</summary>
    public async Task<ApiResponse> TemplateAsync(string portfolioId, CancellationToken ct)
    {
        var portfolio = await portfolios.GetAsync(portfolioId, ct);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), portfolio.Zone).DateTime);
        return XlsxWriter.Write($"{portfolioId}-projects-template.xlsx", portfolio.Currency, ProjectTemplate.Sheets(portfolio.Currency, today));
    }
}
