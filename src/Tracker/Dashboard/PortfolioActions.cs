using Tracker.Api;
using Tracker.Common;
using Tracker.Dashboard.Templates;
using Tracker.Portfolios;
using Tracker.Spreadsheets;
using Tracker.UpdateRequests;

namespace Tracker.Dashboard;

/// <summary>The fields of the import page's two steps: the upload (multipart), then the confirmation of what the dry run showed.</summary>
public sealed record ImportFields;

/// <summary>What a kind of import is called on the page.</summary>
public enum ImportKind
{
    Projects,
    Updates,
}

/// <summary>
/// A portfolio's spreadsheet and mail actions on its pages: upload a projects or updates CSV (first a dry run whose
/// report is shown; the file is written only when the person confirms it, and is validated again then), download
/// the CSV exports, and preview and send this period's update requests. The same services as the API's routes do
/// the work, so a file or a request means the same either way.
/// </summary>
public sealed class PortfolioActions(SpreadsheetImports imports, PortfolioStore portfolios, UpdateRequestService requests)
{
    /// <summary>The largest upload: a CSV file at its limit, with room for the form's other fields.</summary>
    public const long UploadLimit = CsvFiles.MaxBytes + 64 * 1024;

    /// <summary>The confirmation carries the file back (base64): a third more than the file, and the form's fields.</summary>
    public const long ConfirmLimit = CsvFiles.MaxBytes * 4 / 3 + 64 * 1024;

    public Task<ApiResponse> ImportForm(Call call) => ImportPageAsync(call, 200, FormState.Of(new Dictionary<string, string> { ["kind"] = "projects" }), null, null);

    public async Task<ApiResponse> Import(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var form = await call.Request.ReadFormAsync(call.Aborted);
        var values = FormState.Read(form, "kind", "content", "fileName", "culture", "xlsx", "map");
        var culture = values["culture"].Length == 0 ? null : values["culture"];
        var kind = values["kind"] == "updates" ? ImportKind.Updates : ImportKind.Projects;
        var confirming = values["content"].Length > 0;
        byte[] file;
        if (confirming)
        {
            try
            {
                file = Convert.FromBase64String(values["content"]);
            }
            catch (FormatException)
            {
                throw new ApiProblemException(400, "Bad request", "The confirmation did not carry the file back intact. Upload it again.");
            }
        }
        else
        {
            var upload = form.Files.GetFile("file");
            if (upload is null || upload.Length == 0)
            {
                return await ImportPageAsync(call, 400, new FormState(values, new Dictionary<string, string[]> { ["file"] = ["Choose a CSV file to upload."] }), null, null);
            }
            if (upload.Length > CsvFiles.MaxBytes)
            {
                throw Problems.TooLarge(CsvFiles.MaxBytes);
            }
            using var buffer = new MemoryStream();
            await upload.CopyToAsync(buffer, call.Aborted);
            file = buffer.ToArray();
            values["fileName"] = Path.GetFileName(upload.FileName);
            values["xlsx"] = upload.FileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) || upload.ContentType.StartsWith(XlsxFiles.MediaType, StringComparison.OrdinalIgnoreCase) ? "true" : "";
            values["content"] = Convert.ToBase64String(file);
        }
        ImportReport report;
        try
        {
            report = kind == ImportKind.Updates
                ? await imports.UpdatesAsync(portfolioId, Sheet(file, values), dryRun: !confirming, call.Identity, call.Caller.Name, culture, call.Aborted)
                : await imports.ProjectsAsync(portfolioId, Sheet(file, values), dryRun: !confirming, call.Identity, call.Caller.Name, culture, call.Aborted);
        }
        catch (ApiProblemException problem) when (problem.Status is 400 or 413 or 415 or 422 && (problem.Errors?.Keys.FirstOrDefault(k => k is "culture" or "map")) is { } field)
        {
            values.Remove("content");
            return await ImportPageAsync(call, 400, new FormState(values, new Dictionary<string, string[]> { [field] = [.. problem.Errors![field]] }), null, null);
        }
        catch (ApiProblemException problem) when (problem.Status is 400 or 413 or 415 or 422)
        {
            // The file as a whole is not one we read (its header, its size, its encoding): say so by the upload field.
            values.Remove("content");
            return await ImportPageAsync(call, problem.Status, new FormState(values, new Dictionary<string, string[]>
            {
                ["file"] = problem.Errors is { Count: > 0 } errors ? [.. errors.Values.SelectMany(m => m)] : [problem.Message],
            }), null, null);
        }
        if (confirming && report.Totals.Errors == 0)
        {
            var t = report.Totals;
            return Pages.Redirect($"{DashboardRoutes.Portfolio(portfolioId)}?imported={(kind == ImportKind.Updates ? "updates" : "projects")}&created={t.Created}&updated={t.Updated}&unchanged={t.Unchanged}");
        }
        return await ImportPageAsync(call, report.Totals.Errors == 0 ? 200 : 422, FormState.Of(values), report, kind);
    }

    /// <summary>The uploaded file as the import reads it; the map field holds one <c>Your header: column</c> per line.</summary>
    private static SheetFile Sheet(byte[] bytes, IReadOnlyDictionary<string, string> values) => new(bytes, Xlsx: values.GetValueOrDefault("xlsx") == "true",
        Map: values.GetValueOrDefault("map", "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    public async Task<ApiResponse> ExportProjects(Call call) =>
        await imports.ExportProjectsAsync(call.Route("portfolioId"), null, null, null, call.Aborted);

    public Task<ApiResponse> ExportUpdates(Call call) => ExportUpdatesAsync(call, xlsx: false);

    public async Task<ApiResponse> ExportProjectsXlsx(Call call) =>
        await imports.ExportProjectsAsync(call.Route("portfolioId"), null, null, null, call.Aborted, xlsx: true);

    public Task<ApiResponse> ExportUpdatesXlsx(Call call) => ExportUpdatesAsync(call, xlsx: true);

    public Task<ApiResponse> ProjectsTemplate(Call call) => imports.TemplateAsync(call.Route("portfolioId"), call.Aborted);

    private async Task<ApiResponse> ExportUpdatesAsync(Call call, bool xlsx)
    {
        var portfolioId = call.Route("portfolioId");
        await portfolios.GetAsync(portfolioId, call.Aborted);
        return await imports.ExportUpdatesAsync(portfolioId, null, null, call.Aborted, xlsx);
    }

    public async Task<ApiResponse> UpdateRequests(Call call)
    {
        var portfolio = await portfolios.GetAsync(call.Route("portfolioId"), call.Aborted);
        return Page(call, 200, portfolio, await requests.PreviewAsync(portfolio, call.Request, call.Aborted), null);
    }

    public async Task<ApiResponse> SendUpdateRequests(Call call)
    {
        var portfolio = await portfolios.GetAsync(call.Route("portfolioId"), call.Aborted);
        var outcome = await requests.SendNowAsync(portfolio, call.Request, call.Aborted);
        return Page(call, 200, portfolio, await requests.PreviewAsync(portfolio, call.Request, call.Aborted), outcome);
    }

    private static ApiResponse Page(Call call, int status, PortfolioEntity portfolio, UpdateRequestPreview preview, UpdateRequestOutcome? outcome) =>
        Pages.Html(status, HtmlTemplates.Render<UpdateRequestsPage>(new Dictionary<string, object?>
        {
            [nameof(UpdateRequestsPage.Portfolio)] = portfolio.ToApi(),
            [nameof(UpdateRequestsPage.Preview)] = preview,
            [nameof(UpdateRequestsPage.Outcome)] = outcome,
            [nameof(UpdateRequestsPage.Session)] = PageGate.SessionOf(call.Request),
        }));

    private async Task<ApiResponse> ImportPageAsync(Call call, int status, FormState form, ImportReport? report, ImportKind? kind)
    {
        var portfolio = await portfolios.GetAsync(call.Route("portfolioId"), call.Aborted);
        return Pages.Html(status, HtmlTemplates.Render<ImportPage>(new Dictionary<string, object?>
        {
            [nameof(ImportPage.Portfolio)] = portfolio.ToApi(),
            [nameof(ImportPage.Form)] = form,
            [nameof(ImportPage.Report)] = report,
            [nameof(ImportPage.Kind)] = kind,
            [nameof(ImportPage.Session)] = PageGate.SessionOf(call.Request),
        }));
    }
}
