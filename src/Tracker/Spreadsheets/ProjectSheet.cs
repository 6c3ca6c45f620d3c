using System.Globalization;
using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Spreadsheets;

/// <summary>Projects as spreadsheet rows: the project fields of the API, one column each, in this order.</summary>
public static class ProjectSheet
{
    public static readonly string[] Columns =
        ["id", "name", "category", "status", "priority", "owner", "startDate", "targetDate", "budget", "spend", "percentComplete", "rag",
         "customerEngagement", "customerKpi", "financialMeasure"];

    /// <summary>The headers PMOs give these columns in their own sheets (matched as <see cref="CsvFiles.HeaderKey"/> does).</summary>
    public static readonly IReadOnlyDictionary<string, string> Synonyms = SheetMapping.Merge(SheetMapping.MeasuredSynonyms, new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["project id"] = "id",
        ["key"] = "id",
        ["project name"] = "name",
        ["project"] = "name",
        ["title"] = "name",
        ["type"] = "category",
        ["workstream"] = "category",
        ["project status"] = "status",
        ["owner email"] = "owner",
        ["project manager"] = "owner",
        ["lead"] = "owner",
        ["project lead"] = "owner",
        ["pm"] = "owner",
        ["start"] = "startDate",
        ["start date"] = "startDate",
        ["begin"] = "startDate",
        ["finish"] = "targetDate",
        ["end"] = "targetDate",
        ["end date"] = "targetDate",
        ["due"] = "targetDate",
        ["due date"] = "targetDate",
        ["target"] = "targetDate",
        ["target date"] = "targetDate",
        ["finish date"] = "targetDate",
        ["complete"] = "percentComplete",
        ["actual cost"] = "spend",
        ["rag rating"] = "rag",
        ["traffic light"] = "rag",
        ["customer engagement"] = "customerEngagement",
        ["customer facing"] = "customerEngagement",
        ["customer kpi"] = "customerKpi",
        ["financial measure"] = "financialMeasure",
    });

    /// <summary>How an .xlsx export types each column (the rest is text).</summary>
    public static readonly IReadOnlyDictionary<string, CellKind> Kinds = new Dictionary<string, CellKind>(StringComparer.Ordinal)
    {
        ["startDate"] = CellKind.Date,
        ["targetDate"] = CellKind.Date,
        ["budget"] = CellKind.Money,
        ["spend"] = CellKind.Money,
        ["percentComplete"] = CellKind.Percent,
        ["customerEngagement"] = CellKind.Bool,
    };

    /// <summary>Measured fields: set when a project is created; after that they change through progress updates only.</summary>
    public static readonly string[] Measured = ["status", "priority", "budget", "spend", "percentComplete", "rag"];

    public static IReadOnlyList<string?> Row(ProjectEntity p) =>
    [
        p.RowKey, p.Name, p.Category, p.Status, p.Priority, p.Owner, CsvFiles.Date(p.StartDate), p.TargetDate is { } t ? CsvFiles.Date(t) : null,
        CsvFiles.Number(p.Budget), CsvFiles.Number(p.Spend), CsvFiles.Number(p.PercentComplete), p.Rag, p.CustomerEngagement ? "true" : "false",
        p.CustomerKpi, p.FinancialMeasure,
    ];

    /// <summary>
    /// The request a row describes: for an existing project its current values with the row's cells over them (a
    /// column the file leaves out keeps its value; an empty cell clears an optional field), else the row alone.
    /// Cells that aren't of their column's type are added to <paramref name="v"/>.
    /// </summary>
    public static CreateProjectRequest Read(CsvRow row, ProjectEntity? existing, SheetFormat format, Validation v)
    {
        var r = existing?.ToRequest() ?? new CreateProjectRequest();
        bool Has(string column) => row.Cells.ContainsKey(column);
        return r with
        {
            Id = row["id"] ?? r.Id,
            Name = Has("name") ? row["name"] : r.Name,
            Category = Has("category") ? format.Enum<Category>(row, "category", v) : r.Category,
            Status = Has("status") ? format.Enum<ProjectStatus>(row, "status", v) ?? r.Status : r.Status,
            Priority = Has("priority") ? format.Enum<Priority>(row, "priority", v) ?? r.Priority : r.Priority,
            Owner = Has("owner") ? format.Owner(row, "owner", v) : r.Owner,
            StartDate = Has("startDate") ? format.Date(row, "startDate", v) : r.StartDate,
            TargetDate = Has("targetDate") ? format.Date(row, "targetDate", v) : r.TargetDate,
            Budget = Has("budget") ? format.Money(row, "budget", v) ?? r.Budget : r.Budget,
            Spend = Has("spend") ? format.Money(row, "spend", v) ?? r.Spend : r.Spend,
            PercentComplete = Has("percentComplete") ? format.Percent(row, "percentComplete", v) ?? r.PercentComplete : r.PercentComplete,
            CustomerEngagement = Has("customerEngagement") ? format.Bool(row, "customerEngagement", v) ?? false : r.CustomerEngagement,
            CustomerKpi = Has("customerKpi") ? row["customerKpi"] : r.CustomerKpi,
            FinancialMeasure = Has("financialMeasure") ? row["financialMeasure"] : r.FinancialMeasure,
        };
    }

    /// <summary>
    /// The RAG a row reports (green, amber, red, or G, A, R as status reports abbreviate them); null when the column is
    /// absent or the cell empty: a RAG is reported, never cleared.
    /// </summary>
    public static Rag? ReadRag(CsvRow row, SheetFormat format, Validation v) =>
        row["rag"]?.Trim().ToUpperInvariant() switch
        {
            null => null,
            "G" => Rag.Green,
            "A" => Rag.Amber,
            "R" => Rag.Red,
            _ => format.Enum<Rag>(row, "rag", v),
        };

    /// <summary>Whether a request changes the descriptive fields of a project (the measured ones must not change here).</summary>
    public static bool Changes(ProjectEntity existing, CreateProjectRequest r) =>
        existing.Name != r.Name || existing.Category != TrackerJson.Name(r.Category!.Value) || existing.Owner != r.Owner
        || DateOnly.FromDateTime(existing.StartDate.UtcDateTime) != r.StartDate
        || (existing.TargetDate is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : (DateOnly?)null) != r.TargetDate
        || existing.CustomerEngagement != (r.CustomerEngagement ?? false) || existing.CustomerKpi != r.CustomerKpi
        || existing.FinancialMeasure != r.FinancialMeasure;

    /// <summary>The measured fields a row changes on an existing project, with the stored value and the file's: recorded as a progress update.</summary>
    public static IEnumerable<(string Field, string Stored, string File)> MeasuredChanges(ProjectEntity existing, CreateProjectRequest r, Rag? rag)
    {
        if (r.Status is { } status && TrackerJson.Name(status) != existing.Status)
        {
            yield return ("status", existing.Status, TrackerJson.Name(status));
        }
        if (r.Priority is { } priority && TrackerJson.Name(priority) != existing.Priority)
        {
            yield return ("priority", existing.Priority, TrackerJson.Name(priority));
        }
        if (r.Budget is { } budget && (double)budget != existing.Budget)
        {
            yield return ("budget", CsvFiles.Number(existing.Budget), CsvFiles.Number((double)budget));
        }
        if (r.Spend is { } spend && (double)spend != existing.Spend)
        {
            yield return ("spend", CsvFiles.Number(existing.Spend), CsvFiles.Number((double)spend));
        }
        if (r.PercentComplete is { } percent && (double)percent != existing.PercentComplete)
        {
            yield return ("percentComplete", CsvFiles.Number(existing.PercentComplete), CsvFiles.Number((double)percent));
        }
        if (rag is { } reported && TrackerJson.Name(reported) != existing.Rag)
        {
            yield return ("rag", existing.Rag ?? "none", TrackerJson.Name(reported));
        }
    }

    /// <summary>The progress update of a row's measured changes: only the fields that changed.</summary>
    public static PostUpdateRequest ProgressOf(CreateProjectRequest r, Rag? rag, IReadOnlyList<(string Field, string Stored, string File)> changes)
    {
        bool Changed(string field) => changes.Any(c => c.Field == field);
        return new PostUpdateRequest
        {
            Status = Changed("status") ? r.Status : null,
            Priority = Changed("priority") ? r.Priority : null,
            Budget = Changed("budget") ? r.Budget : null,
            Spend = Changed("spend") ? r.Spend : null,
            PercentComplete = Changed("percentComplete") ? r.PercentComplete : null,
            Rag = Changed("rag") ? rag : null,
        };
    }

    /// <summary>
    /// A stable id from a project's name ("CRM Roll-out (EMEA)" → crm-roll-out-emea, "Fünf" → funf): the same name gives the same id
    /// in every import; a taken one gets -2, -3, ...
    /// </summary>
    public static string IdFromName(string? name, Func<string, bool> taken)
    {
        // Letters without their accents (Fünf → funf), then runs of anything else as one hyphen.
        var plain = string.Concat((name ?? "").Normalize(System.Text.NormalizationForm.FormD)
            .Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark));
        var slug = System.Text.RegularExpressions.Regex.Replace(plain.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
        slug = slug.Length == 0 ? "project" : slug[..Math.Min(slug.Length, 56)].TrimEnd('-');
        var id = slug;
        for (var n = 2; taken(id); n++)
        {
            id = $"{slug}-{n}";
        }
        return id;
    }
}
