using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Spreadsheets;

/// <summary>Progress updates as spreadsheet rows: the project they belong to and the fields of a single post.</summary>
public static class UpdateSheet
{
    public static readonly string[] Columns =
        ["id", "projectId", "reportedAt", "percentComplete", "spend", "budget", "priority", "status", "rag", "note", "reportedBy"];

    public static IReadOnlyList<string?> Row(UpdateEntity u) =>
    [
        u.Id, u.ProjectId, CsvFiles.Timestamp(u.ReportedAt), CsvFiles.Number(u.PercentComplete), CsvFiles.Number(u.Spend), CsvFiles.Number(u.Budget),
        u.Priority, u.Status, u.Rag, u.Note, u.ReportedBy,
    ];

    public static PostUpdateRequest Read(CsvRow row, Validation v) => new()
    {
        ReportedAt = Cells.Timestamp(row, "reportedAt", v),
        PercentComplete = Cells.Number(row, "percentComplete", v),
        Spend = Cells.Number(row, "spend", v),
        Budget = Cells.Number(row, "budget", v),
        Priority = Cells.Enum<Priority>(row, "priority", v),
        Status = Cells.Enum<ProjectStatus>(row, "status", v),
        Rag = Cells.Enum<Rag>(row, "rag", v),
        Note = row["note"],
        ReportedBy = row["reportedBy"],
    };

    /// <summary>Whether a row says what a stored update says (an exported row imported again).</summary>
    public static bool Same(UpdateEntity u, PostUpdateRequest r) =>
        (r.ReportedAt is null || r.ReportedAt == u.ReportedAt) && (double?)r.PercentComplete == u.PercentComplete && (double?)r.Spend == u.Spend
        && (double?)r.Budget == u.Budget && Name(r.Priority) == u.Priority && Name(r.Status) == u.Status && Name(r.Rag) == u.Rag
        && r.Note == u.Note && (r.ReportedBy is null || r.ReportedBy == u.ReportedBy);

    private static string? Name<TEnum>(TEnum? value) where TEnum : struct, Enum => value is { } v ? TrackerJson.Name(v) : null;
}

/// <summary>What an import did, or would do, with each row.</summary>
public sealed record ImportReport(bool DryRun, ImportTotals Totals, IReadOnlyList<ImportRow> Rows)
{
    public static ImportReport Of(bool dryRun, IReadOnlyList<ImportRow> rows) => new(dryRun, new ImportTotals(
        rows.Count(r => r.Outcome == ImportOutcome.Created), rows.Count(r => r.Outcome == ImportOutcome.Updated),
        rows.Count(r => r.Outcome == ImportOutcome.Unchanged), rows.Count(r => r.Outcome == ImportOutcome.Error)), rows);
}

public sealed record ImportTotals(int Created, int Updated, int Unchanged, int Errors);

/// <summary>One row: its number in the file (1 = the first row under the header), the id it has or gets, and the outcome.</summary>
public sealed record ImportRow(int Row, string? Id, ImportOutcome Outcome, IReadOnlyDictionary<string, string[]>? Errors = null);

public enum ImportOutcome
{
    Created,
    Updated,
    Unchanged,
    Error,
}
