using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Spreadsheets;

/// <summary>
/// The workbook a PMO fills in to start a portfolio: a "Project list" sheet with the headers a person reads (each one a
/// name the import knows), one example row, drop-down lists on category, status, priority, RAG and customer
/// engagement, dates, money in the portfolio's currency and percents formatted as such down every column; and a
/// "Columns" sheet explaining each column. The import reads the first sheet, so the filled-in file is uploaded as is.
/// </summary>
public static class ProjectTemplate
{
    /// <summary>A column of the template: the tracker's column, the header shown, whether a new project needs it, what to write.</summary>
    public sealed record TemplateColumn(string Column, string Header, bool Required, string Help);

    public static IReadOnlyList<TemplateColumn> Columns(string currency) =>
    [
        new("id", "Id", false, "Leave empty: the tracker makes one from the name (CRM roll-out EMEA → crm-roll-out-emea) and finds the project by its name next time. Give one to choose it."),
        new("name", "Project name", true, "The project's name, up to 200 characters."),
        new("category", "Category", true, "cloud, crm or ai: pick from the list."),
        new("status", "Status", false, "proposed, active, onHold, completed or cancelled; empty: active."),
        new("priority", "Priority", false, "low, medium, high or critical; empty: medium."),
        new("owner", "Owner", false, "Who reports on the project: an email address, or a name with it (Anna Schmidt <anna@example.com>). Update requests go there."),
        new("startDate", "Start date", true, "The day the project started or starts: a date."),
        new("targetDate", "Target date", false, "The day it should be done, after the start date."),
        new("budget", $"Budget ({currency})", false, $"The approved budget in {currency}; empty: 0."),
        new("spend", $"Spend ({currency})", false, $"What is spent so far, in {currency}; empty: 0."),
        new("percentComplete", "% complete", false, "How far along the project is, 0 % to 100 %."),
        new("rag", "RAG", false, "green, amber or red, as the project reports itself; empty: not reported yet."),
        new("customerEngagement", "Customer engagement", false, "yes when the project is aimed at customer engagement, else no."),
        new("customerKpi", "Customer KPI", false, "The customer measure it moves (NPS, churn, first-contact resolution)."),
        new("financialMeasure", "Financial measure", false, "The money measure it moves (churn cost, cost to serve)."),
    ];

    /// <summary>The template for a portfolio, its example row dated from <paramref name="today"/>.</summary>
    public static XlsxSheet[] Sheets(string currency, DateOnly today)
    {
        var columns = Columns(currency);
        var kinds = columns.Select(c => c.Column == "customerEngagement" ? CellKind.Text : ProjectSheet.Kinds.GetValueOrDefault(c.Column)).ToList();
        var start = new DateOnly(today.Year, today.Month, 1);
        IReadOnlyList<string?> example =
        [
            null, "CRM roll-out EMEA", "crm", "active", "high", "Anna Schmidt <anna@example.com>", Iso(start), Iso(start.AddMonths(9)),
            "250000", "40000", "15", "green", "yes", "Net promoter score", "Churn cost",
        ];
        var lists = new Dictionary<int, IReadOnlyList<string>>
        {
            [Index(columns, "category")] = TrackerJson.Names(typeof(Category))!,
            [Index(columns, "status")] = TrackerJson.Names(typeof(ProjectStatus))!,
            [Index(columns, "priority")] = TrackerJson.Names(typeof(Priority))!,
            [Index(columns, "rag")] = TrackerJson.Names(typeof(Rag))!,
            [Index(columns, "customerEngagement")] = ["yes", "no"],
        };
        var projects = new XlsxSheet("Project list", [.. columns.Select(c => c.Header)], kinds, [example]) { Lists = lists, LimitPercents = true };
        var help = new XlsxSheet("Columns", ["Column", "Needed for a new project", "What to write", "Tracker name"],
            [CellKind.Text, CellKind.Text, CellKind.Text, CellKind.Text],
            [
                .. columns.Select(c => (IReadOnlyList<string?>)[c.Header, c.Required ? "yes" : "no", c.Help, c.Column]),
                ["Row 2", "", "An example: write over it or delete it. Each further row is a project; at most " + CsvFiles.MaxRows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " rows.", ""],
                ["Upload", "", "Upload the file as it is (the first sheet is read): the dry run shows what each row would do before anything is written.", ""],
            ])
        { Filter = false, Widths = [22, 12, 90, 20] };
        return [projects, help];
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static int Index(IReadOnlyList<TemplateColumn> columns, string column) => columns.Select(c => c.Column).ToList().IndexOf(column);
}
