using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Spreadsheets;

/// <summary>
/// CSV and .xlsx in and out, and the projects template. Imports validate every row before anything is written (any
/// error: 422 with the report, nothing written; <c>?dryRun=true</c>: the report, nothing written) and write in entity
/// group transactions of up to 100 per partition. Exports use the import's columns, so export, edit in Excel, import
/// round-trips.
/// </summary>
public sealed class SpreadsheetHandlers(SpreadsheetImports imports, PortfolioStore portfolios, ProjectStore projects, UpdateStore updates)
{
    public async Task<ApiResponse> ImportProjects(Call call)
    {
        var file = await FileAsync(call);
        var dryRun = Query.Bool(call.Request, "dryRun");
        var report = await imports.ProjectsAsync(call.Route("portfolioId"), file, dryRun, call.Identity, call.Caller.Name, Culture(call), call.Aborted);
        return dryRun && CsvFiles.Wanted(call.Request)
            ? Annotated("projects", file.ProjectRows().Rows, ProjectSheet.Columns, report)
            : Answer(report);
    }

    public async Task<ApiResponse> ImportUpdates(Call call)
    {
        var file = await FileAsync(call);
        var dryRun = Query.Bool(call.Request, "dryRun");
        var report = await imports.UpdatesAsync(call.Route("portfolioId"), file, dryRun, call.Identity, call.Caller.Name, Culture(call), call.Aborted);
        return dryRun && CsvFiles.Wanted(call.Request)
            ? Annotated("updates", file.UpdateRows().Rows, UpdateSheet.Columns, report)
            : Answer(report);
    }

    /// <summary>
    /// A dry run asked with <c>Accept: text/csv</c>: the file's rows back (in the tracker's column names) with three
    /// columns added — the spreadsheet row, what the import would do, and the row's problems and notes — to fix in place.
    /// </summary>
    private static ApiResponse Annotated(string kind, IReadOnlyList<CsvRow> rows, IReadOnlyList<string> columns, ImportReport report)
    {
        var byRow = report.Rows.ToDictionary(r => r.Row);
        var lines = rows.Select(row =>
        {
            var outcome = byRow.GetValueOrDefault(row.Number);
            var problems = (outcome?.Errors ?? new Dictionary<string, string[]>()).SelectMany(e => e.Value).Concat(outcome?.Notes ?? []);
            return (IReadOnlyList<string?>)[.. columns.Select(c => row.Cells.GetValueOrDefault(c)), row.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                outcome is null ? null : Common.TrackerJson.Name(outcome.Outcome), string.Join(" ", problems)];
        });
        return CsvFiles.Write($"{kind}-dry-run.csv", [.. columns, "row", "outcome", "problems"], lines);
    }

    /// <summary>Every update of every project of a portfolio in [from, to), as CSV: the portfolio-wide export.</summary>
    public async Task<ApiResponse> ExportUpdates(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var xlsx = AcceptHeader.Names(call.Request, XlsxFiles.MediaType);
        if (!CsvFiles.Wanted(call.Request) && !xlsx)
        {
            throw new ApiProblemException(406, "Not acceptable",
                "This export answers text/csv or .xlsx only: ask with Accept: text/csv or Accept: {XlsxFiles.MediaType}. JSON history is per project (.../projects/{projectId}/updates) or in the OData feed's Updates set.");
        }
        var portfolio = await portfolios.GetAsync(portfolioId, call.Aborted);
        var (from, to) = Query.Range(call.Request, portfolio.Zone);
        return await imports.ExportUpdatesAsync(portfolioId, from, to, call.Aborted, xlsx);
    }

    /// <summary>The projects list as CSV (Accept: text/csv on the list route): the list's filters apply, all pages at once.</summary>
    public Task<ApiResponse> ExportProjects(Call call) =>
        imports.ExportProjectsAsync(call.Route("portfolioId"), Query.Enum<ProjectStatus>(call.Request, "status"), Query.Enum<Category>(call.Request, "category"),
            Query.Enum<Priority>(call.Request, "priority"), call.Aborted);

    /// <summary>The projects list as an .xlsx workbook (Accept: the xlsx type on the list route).</summary>
    public Task<ApiResponse> ExportProjectsXlsx(Call call) =>
        imports.ExportProjectsAsync(call.Route("portfolioId"), Query.Enum<ProjectStatus>(call.Request, "status"), Query.Enum<Category>(call.Request, "category"),
            Query.Enum<Priority>(call.Request, "priority"), call.Aborted, xlsx: true);

    /// <summary>The .xlsx workbook a PMO fills in with the portfolio's projects (see <see cref="ProjectTemplate"/>).</summary>
    public Task<ApiResponse> ProjectsTemplate(Call call) => imports.TemplateAsync(call.Route("portfolioId"), call.Aborted);

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

    /// <summary>The uploaded file: an .xlsx workbook by its Content-Type (?sheet= names the sheet), else CSV; each ?map=Header:column maps a header.</summary>
    private static async Task<SheetFile> FileAsync(Call call) =>
        new(await call.ReadFileAsync(), Xlsx: call.Request.ContentType?.StartsWith(XlsxFiles.MediaType, StringComparison.OrdinalIgnoreCase) == true,
            Sheet: call.Request.Query["sheet"].FirstOrDefault(), Map: [.. call.Request.Query["map"].Where(m => m is not null).Select(m => m!)]);

    private static string? Culture(Call call) => call.Request.Query["culture"].FirstOrDefault();

    /// <summary>The report, or a 422 with it when any row is invalid (nothing was written).</summary>
    private static ApiResponse Answer(ImportReport report)
    {
        if (report.Totals.Errors == 0)
        {
            return ApiResponse.Ok(report);
        }
        throw new ApiProblemException(422, "Import refused",
            $"{report.Totals.Errors} of {report.Rows.Count} rows are invalid; nothing was written. Each row's errors, with its bad value, are in the report.",
            report.Problems.GroupBy(p => p.Column).ToDictionary(g => g.Key,
                g => g.Select(p => $"{(p.Rows.Count == 1 ? "row" : "rows")} {string.Join(", ", p.Rows)}: {p.Message}").ToArray(), StringComparer.Ordinal))
        {
            Extensions = new Dictionary<string, object?> { ["report"] = report },
        };
    }
}
