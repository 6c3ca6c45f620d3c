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

    /// <summary>The measured fields a row would change on an existing project: refused, they change through updates.</summary>
    public static IEnumerable<string> MeasuredChanges(ProjectEntity existing, CreateProjectRequest r)
    {
        if (r.Status is { } status && TrackerJson.Name(status) != existing.Status)
        {
            yield return "status";
        }
        if (r.Priority is { } priority && TrackerJson.Name(priority) != existing.Priority)
        {
            yield return "priority";
        }
        if (r.Budget is { } budget && (double)budget != existing.Budget)
        {
            yield return "budget";
        }
        if (r.Spend is { } spend && (double)spend != existing.Spend)
        {
            yield return "spend";
        }
        if (r.PercentComplete is { } percent && (double)percent != existing.PercentComplete)
        {
            yield return "percentComplete";
        }
    }
}

/// <summary>Typed reads of CSV cells: invariant numbers, ISO dates, exact enum names; a bad cell is an error naming its column.</summary>
public static class Cells
{
    private delegate bool Parser<T>(string text, out T value);

    public static TEnum? Enum<TEnum>(CsvRow row, string column, Validation v) where TEnum : struct, System.Enum =>
        Read(row, column, v, (string text, out TEnum value) =>
        {
            var parsed = TrackerJson.Parse<TEnum>(text);
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
        v.Add(column, $"{column} must be {expected}.");
        return null;
    }

    /// <summary>"one of: a, b, c" for an enum, made once per type.</summary>
    private static class EnumNames<TEnum> where TEnum : struct, System.Enum
    {
        public static readonly string Expected = $"one of: {string.Join(", ", TrackerJson.Names(typeof(TEnum))!)}";
    }
}
