using System.Globalization;
using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Spreadsheets;

/// <summary>Projects as spreadsheet rows: the project fields of the API, one column each, in this order.</summary>
public static class ProjectSheet
{
    public static readonly string[] Columns =
        ["id", "name", "category", "status", "priority", "owner", "startDate", "targetDate", "budget", "spend", "percentComplete",
         "customerEngagement", "customerKpi", "financialMeasure"];

    /// <summary>The headers PMOs give these columns in their own sheets (matched as <see cref="CsvFiles.HeaderKey"/> does).</summary>
    public static readonly IReadOnlyDictionary<string, string> Synonyms = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["project id"] = "id",
        ["key"] = "id",
        ["project name"] = "name",
        ["project"] = "name",
        ["title"] = "name",
        ["type"] = "category",
        ["workstream"] = "category",
        ["state"] = "status",
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
        ["% complete"] = "percentComplete",
        ["progress"] = "percentComplete",
        ["percent complete"] = "percentComplete",
        ["complete"] = "percentComplete",
        ["actuals"] = "spend",
        ["cost to date"] = "spend",
        ["spent"] = "spend",
        ["actual cost"] = "spend",
        ["spend to date"] = "spend",
        ["customer engagement"] = "customerEngagement",
        ["customer facing"] = "customerEngagement",
        ["customer kpi"] = "customerKpi",
        ["financial measure"] = "financialMeasure",
    };

    /// <summary>Measured fields: set when a project is created; after that they change through progress updates only.</summary>
    public static readonly string[] Measured = ["status", "priority", "budget", "spend", "percentComplete"];

    public static IReadOnlyList<string?> Row(ProjectEntity p) =>
    [
        p.RowKey, p.Name, p.Category, p.Status, p.Priority, p.Owner, CsvFiles.Date(p.StartDate), p.TargetDate is { } t ? CsvFiles.Date(t) : null,
        CsvFiles.Number(p.Budget), CsvFiles.Number(p.Spend), CsvFiles.Number(p.PercentComplete), p.CustomerEngagement ? "true" : "false",
        p.CustomerKpi, p.FinancialMeasure,
    ];

    /// <summary>
    /// The request a row describes: for an existing project its current values with the row's cells over them (a
    /// column the file leaves out keeps its value; an empty cell clears an optional field), else the row alone.
    /// Cells that aren't of their column's type are added to <paramref name="v"/>.
    /// </summary>
    public static CreateProjectRequest Read(CsvRow row, ProjectEntity? existing, Validation v)
    {
        var r = existing?.ToRequest() ?? new CreateProjectRequest();
        bool Has(string column) => row.Cells.ContainsKey(column);
        return r with
        {
            Id = row["id"] ?? r.Id,
            Name = Has("name") ? row["name"] : r.Name,
            Category = Has("category") ? Cells.Enum<Category>(row, "category", v) : r.Category,
            Status = Has("status") ? Cells.Enum<ProjectStatus>(row, "status", v) ?? r.Status : r.Status,
            Priority = Has("priority") ? Cells.Enum<Priority>(row, "priority", v) ?? r.Priority : r.Priority,
            Owner = Has("owner") ? row["owner"] : r.Owner,
            StartDate = Has("startDate") ? Cells.Date(row, "startDate", v) : r.StartDate,
            TargetDate = Has("targetDate") ? Cells.Date(row, "targetDate", v) : r.TargetDate,
            Budget = Has("budget") ? Cells.Number(row, "budget", v) ?? r.Budget : r.Budget,
            Spend = Has("spend") ? Cells.Number(row, "spend", v) ?? r.Spend : r.Spend,
            PercentComplete = Has("percentComplete") ? Cells.Number(row, "percentComplete", v) ?? r.PercentComplete : r.PercentComplete,
            CustomerEngagement = Has("customerEngagement") ? Cells.Bool(row, "customerEngagement", v) ?? false : r.CustomerEngagement,
            CustomerKpi = Has("customerKpi") ? row["customerKpi"] : r.CustomerKpi,
            FinancialMeasure = Has("financialMeasure") ? row["financialMeasure"] : r.FinancialMeasure,
        };
    }

    /// <summary>Whether a request changes the descriptive fields of a project (the measured ones must not change here).</summary>
    public static bool Changes(ProjectEntity existing, CreateProjectRequest r) =>
        existing.Name != r.Name || existing.Category != TrackerJson.Name(r.Category!.Value) || existing.Owner != r.Owner
        || DateOnly.FromDateTime(existing.StartDate.UtcDateTime) != r.StartDate
        || (existing.TargetDate is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : (DateOnly?)null) != r.TargetDate
        || existing.CustomerEngagement != (r.CustomerEngagement ?? false) || existing.CustomerKpi != r.CustomerKpi
        || existing.FinancialMeasure != r.FinancialMeasure;

    /// <summary>The measured fields a row changes on an existing project, with the stored value and the file's: recorded as a progress update.</summary>
    public static IEnumerable<(string Field, string Stored, string File)> MeasuredChanges(ProjectEntity existing, CreateProjectRequest r)
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
    }

    /// <summary>The progress update of a row's measured changes: only the fields that changed.</summary>
    public static PostUpdateRequest ProgressOf(CreateProjectRequest r, IReadOnlyList<(string Field, string Stored, string File)> changes)
    {
        bool Changed(string field) => changes.Any(c => c.Field == field);
        return new PostUpdateRequest
        {
            Status = Changed("status") ? r.Status : null,
            Priority = Changed("priority") ? r.Priority : null,
            Budget = Changed("budget") ? r.Budget : null,
            Spend = Changed("spend") ? r.Spend : null,
            PercentComplete = Changed("percentComplete") ? r.PercentComplete : null,
        };
    }

    /// <summary>
    /// A stable id from a project's name ("CRM Roll-out (EMEA)" → crm-roll-out-emea): the same name gives the same id
    /// in every import; a taken one gets -2, -3, ...
    /// </summary>
    public static string IdFromName(string? name, Func<string, bool> taken)
    {
        var slug = System.Text.RegularExpressions.Regex.Replace((name ?? "").ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
        slug = slug.Length == 0 ? "project" : slug[..Math.Min(slug.Length, 56)].TrimEnd('-');
        var id = slug;
        for (var n = 2; taken(id); n++)
        {
            id = $"{slug}-{n}";
        }
        return id;
    }
}

/// <summary>Typed reads of CSV cells: invariant numbers, ISO dates, enum names in any case and spacing; a bad cell is an error naming its column.</summary>
public static class Cells
{
    private delegate bool Parser<T>(string text, out T value);

    public static TEnum? Enum<TEnum>(CsvRow row, string column, Validation v) where TEnum : struct, System.Enum =>
        Read(row, column, v, (string text, out TEnum value) =>
        {
            // As people type them in a spreadsheet: "On hold", "AI", "High" are onHold, ai, high.
            var key = string.Concat(text.Where(char.IsLetterOrDigit)).ToLowerInvariant();
            var parsed = System.Enum.GetValues<TEnum>().Cast<TEnum?>().FirstOrDefault(e => TrackerJson.Name(e!.Value).ToLowerInvariant() == key);
            value = parsed.GetValueOrDefault();
            return parsed is not null;
        }, EnumNames<TEnum>.Expected);

    public static DateOnly? Date(CsvRow row, string column, Validation v) =>
        Read(row, column, v, (string text, out DateOnly value) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value),
            "a date such as 2026-03-02 (yyyy-mm-dd)");

    public static DateTimeOffset? Timestamp(CsvRow row, string column, Validation v) =>
        Read(row, column, v, (string text, out DateTimeOffset value) =>
        {
            var hasOffset = text.EndsWith('Z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
            value = default;
            return hasOffset && text.Contains('T', StringComparison.Ordinal)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
        }, "a timestamp with offset such as 2026-03-02T09:00:00Z");

    public static decimal? Number(CsvRow row, string column, Validation v) =>
        Read(row, column, v, (string text, out decimal value) =>
            decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value),
            "a number with a decimal point and no thousands separator, such as 1234.5");

    /// <summary>true/false in any case, as Excel writes TRUE/FALSE.</summary>
    public static bool? Bool(CsvRow row, string column, Validation v) =>
        Read(row, column, v, (string text, out bool value) => bool.TryParse(text, out value), "true or false");

    /// <summary>An empty cell is null; a cell that does not parse is null and an error "{column} must be {expected}."</summary>
    private static T? Read<T>(CsvRow row, string column, Validation v, Parser<T> parse, string expected) where T : struct
    {
        if (row[column] is not { } text)
        {
            return null;
        }
        if (parse(text, out var value))
        {
            return value;
        }
        v.Add(column, $"{column} must be {expected} (\"{(text.Length <= 40 ? text : text[..40] + "…")}\" is not).");
        return null;
    }

    /// <summary>"one of: a, b, c" for an enum, made once per type.</summary>
    private static class EnumNames<TEnum> where TEnum : struct, System.Enum
    {
        public static readonly string Expected = $"one of: {string.Join(", ", TrackerJson.Names(typeof(TEnum))!)}";
    }
}
