using System.Globalization;
using System.Text;
using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.UpdateRequests;

/// <summary>The fields of the update form, as its HTML posts them (application/x-www-form-urlencoded).</summary>
public sealed record UpdateFormFields(string? PercentComplete, string? Spend, string? Rag, string? Note, string? FormId);

/// <summary>
/// Update requests over HTTP: <c>:preview</c> and <c>:send</c> for writers, and — without an API key, by signed link —
/// the form a project owner answers and the owner's opt-out. The form works without JavaScript; a link that is
/// altered, expired or no longer the project owner's gets a 403 page and writes nothing.
/// </summary>
public sealed class UpdateRequestHandlers(
    PortfolioStore portfolios, ProjectStore projects, ProgressRecorder recorder, UpdateRequestService service, UpdateRequestTokens tokens,
    UpdateRequestStore log, IdempotencyStore idempotency, Ids ids, TimeProvider time)
{

    /// <summary>How long a loaded form may be submitted: its id (made when the form was served) must be younger.</summary>
    public static readonly TimeSpan FormValidity = TimeSpan.FromDays(1);

    public async Task<ApiResponse> Preview(Call call)
    {
        var portfolio = await portfolios.GetAsync(call.Route("portfolioId"), call.Aborted);
        return ApiResponse.Ok(await service.PreviewAsync(portfolio, call.Request, call.Aborted));
    }

    public async Task<ApiResponse> Send(Call call)
    {
        var portfolio = await portfolios.GetAsync(call.Route("portfolioId"), call.Aborted);
        return ApiResponse.Ok(await service.SendNowAsync(portfolio, call.Request, call.Aborted));
    }

    /// <summary>GET of a form link: the project's form, prefilled with what the tracker has now.</summary>
    public async Task<ApiResponse> Form(Call call)
    {
        var (opened, denied) = await OpenAsync(call);
        if (denied is not null)
        {
            return denied;
        }
        var (portfolio, project, grant) = opened!.Value;
        var values = new Dictionary<string, string>
        {
            ["percentComplete"] = project.PercentComplete.ToString(CultureInfo.InvariantCulture),
            ["spend"] = project.Spend.ToString(CultureInfo.InvariantCulture),
            ["rag"] = project.Rag ?? "",
            ["note"] = "",
            ["formId"] = ids.New(),
        };
        return FormPage(200, portfolio, project, grant, values, new Dictionary<string, string[]>());
    }

    /// <summary>POST of the form: a progress update like any other, recorded once per loaded form, then a thank-you page.</summary>
    public async Task<ApiResponse> Submit(Call call)
    {
        var (opened, denied) = await OpenAsync(call);
        if (denied is not null)
        {
            return denied;
        }
        var (portfolio, project, grant) = opened!.Value;
        var fields = await call.ReadFormAsync<UpdateFormFields>();
        var values = new[] { "percentComplete", "spend", "rag", "note", "formId" }.ToDictionary(f => f, f => fields.GetValueOrDefault(f, "").Trim());
        var v = new Validation();
        var now = time.GetUtcNow();
        var loadedAt = Ids.TimeOf(values["formId"]);
        v.Require(loadedAt is { } at && at <= now + TimeSpan.FromMinutes(1) && now - at < FormValidity, "form",
            "This form is out of date. Open the link in the mail again to get a fresh one.");
        var body = new PostUpdateRequest
        {
            PercentComplete = FormValues.Number(v, "percentComplete", values["percentComplete"]),
            Spend = FormValues.Number(v, "spend", values["spend"]),
            Rag = values["rag"].Length == 0 ? null : TrackerJson.Parse<Rag>(values["rag"]),
            Note = values["note"].Length == 0 ? null : values["note"],
            ReportedBy = grant.Owner,
        };
        v.Require(values["rag"].Length == 0 || body.Rag is not null, "rag", "RAG must be green, amber or red.");
        body.Validate(v, now);
        if (!v.IsValid)
        {
            return FormPage(400, portfolio, project, grant, values, Validation.Labelled(v.Errors, PostUpdateRequest.Labels));
        }
        // Recorded when it was sent, once per loaded form: the form's id claims the first submission's moment, and
        // sending the same form again (a double click, a retry) writes nothing more.
        var sent = System.Text.Encoding.UTF8.GetBytes(string.Join("\n", values.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}")));
        IdempotencyStore.Claim claim;
        try
        {
            claim = await idempotency.ClaimAsync("update-form", values["formId"], "POST", call.Request.Path.Value ?? "", sent,
                new RequestIdentity(values["formId"], now), call.Aborted);
        }
        catch (ApiProblemException reused) when (reused.Status is 409 or 422)
        {
            var errors = new Dictionary<string, string[]>
            {
                ["form"] = [reused.Status == 409 ? "This form is being saved right now; nothing more was recorded."
                    : "This form was already sent with other values. Open the link in the mail again to send another update."],
            };
            return FormPage(400, portfolio, project, grant, values, errors);
        }
        if (claim.Replay is null)
        {
            await recorder.RecordAsync(portfolio.RowKey, project.RowKey, body, grant.Owner, claim.Identity, call.Aborted);
            await idempotency.CompleteAsync(claim.Entity, new ApiResponse(200, [], "text/html; charset=utf-8"), call.Aborted);
        }
        var updated = await projects.GetAsync(portfolio.RowKey, project.RowKey, call.Aborted);
        return Page(200, HtmlTemplates.Render<Templates.FormDone>(new Dictionary<string, object?> { ["Portfolio"] = portfolio, ["Project"] = updated }));
    }

    /// <summary>GET of the opt-out link: a page with one button, so that link scanners opt nobody out.</summary>
    public async Task<ApiResponse> OptOutPage(Call call)
    {
        var token = call.Request.Query["token"].ToString();
        if (await tokens.ReadOptOutAsync(token, call.Aborted) is not { } link)
        {
            return Denied(LinkProblem.Invalid, "This link is not valid.");
        }
        var portfolio = await portfolios.FindAsync(link.PortfolioId, call.Aborted);
        return Page(200, HtmlTemplates.Render<Templates.OptOutPage>(new Dictionary<string, object?>
        {
            ["PortfolioName"] = portfolio?.Name ?? link.PortfolioId,
            ["Token"] = token,
            ["Done"] = await log.OptedOutAsync(link.PortfolioId, link.Owner, call.Aborted),
        }));
    }

    /// <summary>One-click opt-out (RFC 8058), and the page's button: no more update requests of this portfolio to this owner.</summary>
    public async Task<ApiResponse> OptOut(Call call)
    {
        if (await tokens.ReadOptOutAsync(call.Request.Query["token"].ToString(), call.Aborted) is not { } link)
        {
            return Denied(LinkProblem.Invalid, "This link is not valid.");
        }
        await log.OptOutAsync(link.PortfolioId, link.Owner, time.GetUtcNow(), call.Aborted);
        var portfolio = await portfolios.FindAsync(link.PortfolioId, call.Aborted);
        return Page(200, HtmlTemplates.Render<Templates.OptOutPage>(new Dictionary<string, object?>
        {
            ["PortfolioName"] = portfolio?.Name ?? link.PortfolioId,
            ["Token"] = "",
            ["Done"] = true,
        }));
    }

    /// <summary>The portfolio, project and grant of a form link, or the 403 page that says why not.</summary>
    private async Task<((PortfolioEntity, ProjectEntity, FormGrant)? Opened, ApiResponse? Denied)> OpenAsync(Call call)
    {
        var (grant, problem) = await tokens.ReadFormAsync(call.Request.Query["token"].ToString(), call.Aborted);
        if (grant is null)
        {
            return (null, problem == LinkProblem.Expired
                ? Denied(LinkProblem.Expired, "This link has expired (links last 14 days). The next request mail brings a new one.")
                : Denied(LinkProblem.Invalid, "This link is not valid. Use the button in the mail as it came."));
        }
        var portfolio = await portfolios.FindAsync(grant.PortfolioId, call.Aborted);
        var project = portfolio is null ? null : await projects.FindAsync(grant.PortfolioId, grant.ProjectId, call.Aborted);
        if (portfolio is null || project is null)
        {
            return (null, Denied(LinkProblem.Invalid, "This project no longer exists."));
        }
        if (!string.Equals(project.Owner?.Trim(), grant.Owner, StringComparison.OrdinalIgnoreCase))
        {
            return (null, Denied(LinkProblem.Invalid, "This link was sent to someone who no longer owns the project. Ask the PMO for a new request."));
        }
        return ((portfolio, project, grant), null);
    }

    private static ApiResponse FormPage(int status, PortfolioEntity portfolio, ProjectEntity project, FormGrant grant, IReadOnlyDictionary<string, string> values,
        IReadOnlyDictionary<string, string[]> errors) =>
        Page(status, HtmlTemplates.Render<Templates.UpdateForm>(new Dictionary<string, object?>
        {
            ["Portfolio"] = portfolio,
            ["Project"] = project,
            ["Owner"] = grant.Owner,
            ["Values"] = values,
            ["Errors"] = errors,
        }));

    private static ApiResponse Denied(LinkProblem problem, string message) =>
        Page(403, HtmlTemplates.Render<Templates.LinkDenied>(new Dictionary<string, object?> { ["Message"] = message, ["Expired"] = problem == LinkProblem.Expired }));

    private static ApiResponse Page(int status, string html) => new(status, Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8");
}
