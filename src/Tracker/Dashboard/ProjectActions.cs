using Tracker.Api;
using Tracker.Common;
using Tracker.Dashboard.Templates;
using Tracker.Portfolios;

namespace Tracker.Dashboard;

/// <summary>The fields of the project page's progress-update form.</summary>
public sealed record UpdateFields;

/// <summary>The fields of the project page's details form.</summary>
public sealed record DetailsFields;

/// <summary>
/// What a writer does on a project's page: post a progress update (recorded as the API records one: the measured
/// fields change through updates) and change the project's descriptive fields (with the ETag the page was read
/// with, so a change made meanwhile is not overwritten). A form with errors comes back with what was typed and each
/// error next to its field, named by its label; a form that worked redirects to the page (post, redirect, get).
/// </summary>
public sealed class ProjectActions(ProjectStore projects, ProgressRecorder recorder, DashboardReader reader, TimeProvider time)
{
    public static IReadOnlyDictionary<string, string> UpdateLabels => PostUpdateRequest.Labels;


    public static readonly IReadOnlyDictionary<string, string> DetailsLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["name"] = "Name",
        ["category"] = "Category",
        ["owner"] = "Owner",
        ["startDate"] = "Start date",
        ["targetDate"] = "Target date",
        ["customerEngagement"] = "Customer engagement",
        ["customerKpi"] = "Customer KPI",
        ["financialMeasure"] = "Financial measure",
    };

    private const string ETagField = "etag";

    public Task<ApiResponse> Page(Call call) => PageAsync(call);

    public async Task<ApiResponse> PostUpdate(Call call)
    {
        var (portfolioId, projectId) = (call.Route("portfolioId"), call.Route("projectId"));
        var values = FormState.Read(await call.Request.ReadFormAsync(call.Aborted), [.. UpdateLabels.Keys]);
        var v = new Validation();
        var body = new PostUpdateRequest
        {
            PercentComplete = FormValues.Number(v, "percentComplete", values["percentComplete"]),
            Spend = FormValues.Number(v, "spend", values["spend"]),
            Budget = FormValues.Number(v, "budget", values["budget"]),
            Status = FormValues.Choice<ProjectStatus>(v, "status", values["status"]),
            Priority = FormValues.Choice<Priority>(v, "priority", values["priority"]),
            Rag = FormValues.Choice<Rag>(v, "rag", values["rag"]),
            Note = FormValues.Text(values["note"]),
        };
        body.Validate(v, call.Identity.At);
        if (!v.IsValid)
        {
            return await PageAsync(call, 400, update: new FormState(values, Validation.Labelled(v.Errors, UpdateLabels)));
        }
        await recorder.RecordAsync(portfolioId, projectId, body, call.Caller.Name, call.Identity, call.Aborted);
        return Pages.Redirect(DashboardRoutes.Project(portfolioId, projectId) + "?done=update#updates");
    }

    public async Task<ApiResponse> EditDetails(Call call)
    {
        var (portfolioId, projectId) = (call.Route("portfolioId"), call.Route("projectId"));
        var form = await call.Request.ReadFormAsync(call.Aborted);
        var values = FormState.Read(form, [.. DetailsLabels.Keys, ETagField]);
        values["customerEngagement"] = values["customerEngagement"] == "true" ? "true" : "false";
        var entity = await projects.GetAsync(portfolioId, projectId, call.Aborted);
        var v = new Validation();
        var changed = entity.ToRequest() with
        {
            Name = values["name"],
            Category = FormValues.Choice<Category>(v, "category", values["category"]),
            Owner = FormValues.Text(values["owner"]),
            StartDate = FormValues.Date(v, "startDate", values["startDate"]),
            TargetDate = FormValues.Date(v, "targetDate", values["targetDate"]),
            CustomerEngagement = values["customerEngagement"] == "true",
            CustomerKpi = FormValues.Text(values["customerKpi"]),
            FinancialMeasure = FormValues.Text(values["financialMeasure"]),
        };
        changed.Validate(v, call.Identity.At);
        if (values[ETagField] != entity.ETag.ToString())
        {
            v.Add("form", "Someone changed this project since you opened the page; nothing was saved. Its details below are as they are now: make your change again.");
            return await PageAsync(call, 409, details: new FormState(DetailsOf(entity), v.Errors));
        }
        if (!v.IsValid)
        {
            return await PageAsync(call, 400, details: new FormState(values, Validation.Labelled(v.Errors, DetailsLabels)));
        }
        entity.ApplyDescriptive(changed, time.GetUtcNow());
        await projects.ReplaceAsync(entity, entity.ETag, call.Aborted);
        return Pages.Redirect(DashboardRoutes.Project(portfolioId, projectId) + "?done=details");
    }

    /// <summary>The project page; its forms prefilled with the project as it is now, or as sent back with errors.</summary>
    public async Task<ApiResponse> PageAsync(Call call, int status = 200, FormState? update = null, FormState? details = null)
    {
        var (portfolioId, projectId) = (call.Route("portfolioId"), call.Route("projectId"));
        var view = await reader.ProjectAsync(portfolioId, projectId, call.Aborted);
        var entity = await projects.GetAsync(portfolioId, projectId, call.Aborted);
        var done = call.Request.Query["done"].ToString();
        return Pages.Html(status, HtmlTemplates.Render<ProjectPage>(new Dictionary<string, object?>
        {
            [nameof(ProjectPage.View)] = view,
            [nameof(ProjectPage.Session)] = PageGate.SessionOf(call.Request),
            [nameof(ProjectPage.UpdateForm)] = update ?? FormState.Of(UpdateOf(entity)),
            [nameof(ProjectPage.DetailsForm)] = details ?? FormState.Of(DetailsOf(entity)),
            [nameof(ProjectPage.Notice)] = status != 200 ? null : done switch
            {
                "update" => "Your progress update is recorded.",
                "details" => "The project's details are saved.",
                _ => null,
            },
        }));
    }

    private static Dictionary<string, string> UpdateOf(ProjectEntity p) => new(StringComparer.Ordinal)
    {
        ["percentComplete"] = Show.Number(p.PercentComplete, "0.##"),
        ["spend"] = Show.Number(p.Spend, "0.##"),
        ["budget"] = Show.Number(p.Budget, "0.##"),
        ["status"] = p.Status,
        ["priority"] = p.Priority,
        ["rag"] = p.Rag ?? "",
        ["note"] = "",
    };

    private static Dictionary<string, string> DetailsOf(ProjectEntity p)
    {
        var r = p.ToRequest();
        return new(StringComparer.Ordinal)
        {
            ["name"] = p.Name,
            ["category"] = p.Category,
            ["owner"] = p.Owner ?? "",
            ["startDate"] = r.StartDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "",
            ["targetDate"] = r.TargetDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "",
            ["customerEngagement"] = p.CustomerEngagement ? "true" : "false",
            ["customerKpi"] = p.CustomerKpi ?? "",
            ["financialMeasure"] = p.FinancialMeasure ?? "",
            [ETagField] = p.ETag.ToString(),
        };
    }
}
