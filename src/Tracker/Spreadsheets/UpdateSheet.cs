using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Spreadsheets;

/// <summary>Progress updates as spreadsheet rows: the project they belong to and the fields of a single post.</summary>
public static class UpdateSheet
{
    public static readonly string[] Columns =
        ["id", "projectId", "reportedAt", "percentComplete", "spend", "budget", "priority", "status", "rag", "note", "reportedBy"];

    /// <summary>The headers PMOs give these columns in their own sheets (matched as <see cref="CsvFiles.HeaderKey"/> does).</summary>
    public static readonly IReadOnlyDictionary<string, string> Synonyms = SheetMapping.Merge(SheetMapping.MeasuredSynonyms, new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["update id"] = "id",
        ["project"] = "projectId",
        ["project id"] = "projectId",
        ["reported at"] = "reportedAt",
        ["status date"] = "reportedAt",
        ["as of"] = "reportedAt",
        ["date"] = "reportedAt",
        ["comment"] = "note",
        ["comments"] = "note",
        ["notes"] = "note",
        ["reported by"] = "reportedBy",
        ["author"] = "reportedBy",
    });

    /// <summary>
    /// How an .xlsx export types each column. reportedAt stays ISO text with every digit: a date cell (a double) cannot
    /// hold a timestamp to the tick, and the row must re-import as the stored update.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, CellKind> Kinds = new Dictionary<string, CellKind>(StringComparer.Ordinal)
    {
        ["percentComplete"] = CellKind.Percent,
        ["spend"] = CellKind.Money,
        ["budget"] = CellKind.Money,
    };

    public static IReadOnlyList<string?> Row(UpdateEntity u) =>
    [
        u.Id, u.ProjectId, CsvFiles.Timestamp(u.ReportedAt), CsvFiles.Number(u.PercentComplete), CsvFiles.Number(u.Spend), CsvFiles.Number(u.Budget),
        u.Priority, u.Status, u.Rag, u.Note, u.ReportedBy,
    ];

    public static PostUpdateRequest Read(CsvRow row, SheetFormat format, Validation v) => new()
    {
        ReportedAt = format.Timestamp(row, "reportedAt", v),
        PercentComplete = format.Percent(row, "percentComplete", v),
        Spend = format.Money(row, "spend", v),
        Budget = format.Money(row, "budget", v),
        Priority = format.Enum<Priority>(row, "priority", v),
        Status = format.Enum<ProjectStatus>(row, "status", v),
        Rag = format.Enum<Rag>(row, "rag", v),
        Note = row["note"],
        ReportedBy = row["reportedBy"],
    };

    /// <summary>Where a row says otherwise than a stored update (an exported row imported again says nothing otherwise): each field with the stored value and the file's.</summary>
    public static IReadOnlyList<(string Field, string? Stored, string? File)> Differences(UpdateEntity u, PostUpdateRequest r)
    {
        var differences = new List<(string, string?, string?)>();
        void Compare(string field, string? stored, string? file)
        {
            if (stored != file)
            {
                differences.Add((field, stored, file));
            }
        }
        if (r.ReportedAt is { } reportedAt)
        {
            Compare("reportedAt", CsvFiles.Timestamp(u.ReportedAt), CsvFiles.Timestamp(reportedAt));
        }
        Compare("percentComplete", CsvFiles.Number(u.PercentComplete), CsvFiles.Number((double?)r.PercentComplete));
        Compare("spend", CsvFiles.Number(u.Spend), CsvFiles.Number((double?)r.Spend));
        Compare("budget", CsvFiles.Number(u.Budget), CsvFiles.Number((double?)r.Budget));
        Compare("priority", u.Priority, Name(r.Priority));
        Compare("status", u.Status, Name(r.Status));
        Compare("rag", u.Rag, Name(r.Rag));
        Compare("note", u.Note, r.Note);
        if (r.ReportedBy is not null)
        {
            Compare("reportedBy", u.ReportedBy, r.ReportedBy);
        }
        return differences;
    }

    /// <summary>Whether a stored fact of the project says exactly what a row without an id says: the row was imported before.</summary>
    public static bool Known(IEnumerable<UpdateFact> facts, PostUpdateRequest r) =>
        r.ReportedAt is { } at && facts.Any(f => f.ReportedAt == at && f.PercentComplete == (double?)r.PercentComplete && f.Spend == (double?)r.Spend
            && f.Budget == (double?)r.Budget && f.Priority == r.Priority && f.Status == r.Status && f.Rag == r.Rag);

    private static string? Name<TEnum>(TEnum? value) where TEnum : struct, Enum => value is { } v ? TrackerJson.Name(v) : null;
}

/// <summary>What an import did, or would do, with each row.</summary>
public sealed partial record ImportReport(bool DryRun, ImportTotals Totals, IReadOnlyList<ImportRow> Rows)
{
    /// <summary>Every problem once, with the rows that have it: what a person reads first, short however long the file.</summary>
    public IReadOnlyList<ImportProblem> Problems { get; init; } = [];

    /// <summary>How each column of the file was read: the tracker column it fills, or ignored.</summary>
    public IReadOnlyList<ImportColumn> Columns { get; init; } = [];

    public static ImportReport Of(bool dryRun, IReadOnlyList<ImportRow> rows) => new(dryRun, new ImportTotals(
        rows.Count(r => r.Outcome == ImportOutcome.Created), rows.Count(r => r.Outcome == ImportOutcome.Updated),
        rows.Count(r => r.Outcome == ImportOutcome.Unchanged), rows.Count(r => r.Outcome == ImportOutcome.Error),
        rows.Count(r => r.Outcome == ImportOutcome.Skipped)), rows)
    {
        Problems = [.. rows.Where(r => r.Errors is not null)
            .SelectMany(r => r.Errors!.SelectMany(e => e.Value.Select(message => (Column: e.Key, Message: QuotedValue().Replace(message, ""), r.Row))))
            .GroupBy(p => (p.Column, p.Message))
            .Select(g => new ImportProblem(g.Key.Column, g.Key.Message, [.. g.Select(p => p.Row).Distinct()]))],
    };

    /// <summary>The bad value a message quotes (each row's own, in its row's errors), left out of the grouped message.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@" \(""[^""]*"" is not\)")]
    private static partial System.Text.RegularExpressions.Regex QuotedValue();
}

public sealed record ImportTotals(int Created, int Updated, int Unchanged, int Errors, int Skipped = 0);

/// <summary>One problem of a column and the rows (as the spreadsheet numbers them) that have it.</summary>
public sealed record ImportProblem(string Column, string Message, IReadOnlyList<int> Rows);

/// <summary>
/// One row: its number as the spreadsheet numbers it (the header is row 1; blank rows count), the id it has or gets, the outcome, and
/// notes on what the import made of it (an id from its name, a match by name, a change recorded as progress).
/// </summary>
public sealed record ImportRow(int Row, string? Id, ImportOutcome Outcome, IReadOnlyDictionary<string, string[]>? Errors = null,
    IReadOnlyList<string>? Notes = null);

public enum ImportOutcome
{
    Created,
    Updated,
    Unchanged,
    Error,

    /// <summary>A totals row (a label such as "Total" and numbers): not a project or an update.</summary>
    Skipped,
}
