using System.Text.Json.Nodes;
using Tracker.Api;
using Tracker.Baselines;
using Tracker.Dashboard;
using Tracker.Digests;
using Tracker.Feed;
using Tracker.Health;
using Tracker.Jobs;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Schedules;
using Tracker.Security;
using Tracker.Spreadsheets;
using Tracker.UpdateRequests;

namespace Tracker;

/// <summary>
/// Every route of the API, each declared once: its function name, verb, template (without the <c>api/</c> prefix),
/// role, body, handler and OpenAPI description (<see cref="RouteSpec"/>). The server maps these; the Functions
/// host's <c>ApiFunctions</c> class is generated from them at build time (tools/RouteGen), so the two hosts cannot
/// drift apart. Adding a route is a line here and its handler. It sits in the composition root because it names every
/// feature's handlers and request types.
/// </summary>
public static class RouteTable
{
    private static readonly RouteBody SheetUpload = new(typeof(string), [CsvFiles.MediaType, XlsxFiles.MediaType], CsvFiles.MaxBytes);

    private const Role Reader = Role.Reader;
    private const Role Writer = Role.Writer;
    private const Role Admin = Role.Admin;

    private const string From = "From this instant (inclusive): a date (that day in the portfolio's time zone) or a timestamp with offset.";
    private const string MailToken = "The signed token from the digest's link.";
    private const string Culture = "How the file writes numbers and dates, as a language tag such as de-DE or en-US; by default ISO dates and a decimal point.";
    private const string AsOf = "The day (in the portfolio's time zone); today by default.";

    public static readonly IReadOnlyList<RouteSpec> All =
    [
        Get("Health", Routes.Health, null).Handle<HealthHandlers>(h => h.Get)
            .Describe("Liveness and storage reachability (no key)", d => d.Produces<HealthReport>().ProducesProblem(503)),
        // The document itself: the server generates it live, the Functions host serves the committed copy.
        Get("OpenApi", Routes.OpenApi, null).Handle<OpenApiHandlers>(h => h.Get),
        Get("ListBaselines", "baselines", Reader).Handle<BaselineHandlers>(h => h.List)
            .Describe("The survey baselines with their sources (reader)", d => d.Produces<Page<Baseline>>()),

        Post("CreatePortfolio", Routes.Portfolios, Writer, RouteBody.Json<CreatePortfolioRequest>()).Handle<PortfolioHandlers>(h => h.Create)
            .Describe("Create a portfolio (writer, unscoped key)", d => d.Produces<Portfolio>(201).Writes().WithETag()
                .WithExample("""{"id":"p-emea","name":"EMEA transformation","owner":"pmo@example.com","timeZone":"Europe/Amsterdam","currency":"EUR"}""")),
        Get("ListPortfolios", Routes.Portfolios, Reader).Handle<PortfolioHandlers>(h => h.List)
            .Describe("List portfolios (paged; reader)", d => d.Produces<Page<Portfolio>>().Paged()),
        Get("GetPortfolio", Routes.Portfolio, Reader).Handle<PortfolioHandlers>(h => h.Get)
            .Describe("Read a portfolio; its ETag is in the ETag header (reader)", d => d.Produces<Portfolio>().WithETag()),
        Patch("PatchPortfolio", Routes.Portfolio, Writer, RouteBody.Patch<CreatePortfolioRequest>()).Handle<PortfolioHandlers>(h => h.Patch)
            .Describe("Change a portfolio (JSON merge patch, If-Match; writer)", d => d.Produces<Portfolio>().Writes().WithIfMatch().WithETag()
                .WithExample("""{"owner":"pmo.lead@example.com"}""")),
        Delete("DeletePortfolio", Routes.Portfolio, Admin).Handle<PortfolioHandlers>(h => h.Delete)
            .Describe("Delete an empty portfolio (admin, If-Match)", d => d.Produces(204).Writes().WithIfMatch()),

        Post("CreateProject", Routes.Projects, Writer, RouteBody.Json<CreateProjectRequest>()).Handle<ProjectHandlers>(h => h.Create)
            .Describe("Create a project (writer)", d => d.Produces<Project>(201).Writes().WithETag()
                .WithExample("""{"id":"crm-consolidation","name":"CRM consolidation","category":"crm","status":"active","priority":"high","startDate":"2026-01-05","targetDate":"2026-12-18","budget":250000,"customerEngagement":true,"customerKpi":"NPS","financialMeasure":"churn cost"}""")),
        Get("ListProjects", Routes.Projects, Reader).Handle<ProjectHandlers>(h => h.List).Serves<SpreadsheetHandlers>(CsvFiles.MediaType, h => h.ExportProjects)
            .Serves<SpreadsheetHandlers>(XlsxFiles.MediaType, h => h.ExportProjectsXlsx)
            .Describe("List projects, filtered by status, category and priority (paged); with Accept: text/csv all of them as CSV", d => d
                .Produces<Page<Project>>().Paged().Query<ProjectStatus>("status", "Only projects with this status.")
                .Query<Category>("category", "Only projects of this category.").Query<Priority>("priority", "Only projects with this priority.")),
        Get("GetProject", Routes.Project, Reader).Handle<ProjectHandlers>(h => h.Get)
            .Describe("Read a project's current state; its ETag is in the ETag header (reader)", d => d.Produces<Project>().WithETag()),
        Patch("PatchProject", Routes.Project, Writer, RouteBody.Patch<CreateProjectRequest>()).Handle<ProjectHandlers>(h => h.Patch)
            .Describe("Change a project's descriptive fields (JSON merge patch, If-Match; writer)", d => d.Produces<Project>().Writes().WithIfMatch().WithETag()
                .WithExample("""{"targetDate":"2027-03-31"}""")),
        Delete("DeleteProject", Routes.Project, Writer).Handle<ProjectHandlers>(h => h.Delete)
            .Describe("Delete a project and its history (If-Match; writer)", d => d.Produces(204).Writes().WithIfMatch()),

        Post("PostUpdate", Routes.Updates, Writer, RouteBody.Json<PostUpdateRequest>()).Handle<UpdateHandlers>(h => h.Post)
            .Describe("Post a progress update (writer); one reported late goes to history without overwriting newer state", d => d.Produces<ProgressUpdate>(201).Writes()
                .WithExample("""{"reportedAt":"2026-03-02T09:00:00Z","percentComplete":45,"spend":120000,"budget":260000,"priority":"critical","rag":"amber","note":"Data migration done"}""")),
        Get("ListUpdates", Routes.Updates, Reader).Handle<UpdateHandlers>(h => h.List).Serves<SpreadsheetHandlers>(CsvFiles.MediaType, h => h.ExportProjectUpdates)
            .Describe("A project's update history, newest first, from (inclusive) to (exclusive); with Accept: text/csv all of it as CSV", d => d
                .Produces<Page<ProgressUpdate>>().Paged().Query("from", From)
                .Query("to", "To this instant (exclusive): a date (that whole day included) or a timestamp with offset.")),

        Post("ImportProjects", "portfolios/{portfolioId}/projects:import", Writer, SheetUpload).Handle<SpreadsheetHandlers>(h => h.ImportProjects)
            .Describe("Create and change projects from a CSV file or an .xlsx workbook (?dryRun=true validates only): a report per row and the column mapping; any invalid row: 422, nothing written", SheetImport),
        Get("ProjectsTemplate", "portfolios/{portfolioId}/projects:template", Reader).Handle<SpreadsheetHandlers>(h => h.ProjectsTemplate)
            .Describe("An .xlsx workbook to fill in with projects: headers, an example row, drop-down lists, formats, and a sheet explaining each column (reader)", d => d
                .Produces(200, contentType: XlsxFiles.MediaType)),
        Post("ImportUpdates", "portfolios/{portfolioId}/updates:import", Writer, SheetUpload).Handle<SpreadsheetHandlers>(h => h.ImportUpdates)
            .Describe("Post progress updates from a CSV file or an .xlsx workbook (?dryRun=true validates only), with the semantics of single posts", SheetImport),
        Get("ExportPortfolioUpdates", "portfolios/{portfolioId}/updates", Reader).Handle<SpreadsheetHandlers>(h => h.ExportUpdates)
            .Describe("Every update of the portfolio from ?from= to ?to= as CSV (Accept: text/csv) or an .xlsx workbook", d => d
                .Produces(200, contentType: "text/csv").ProducesProblem(406)
                .Query("from", "From this instant (inclusive): a date or a timestamp with offset.").Query("to", "To this instant (exclusive).")),

        Post("CreateKey", Routes.Keys, Admin, RouteBody.Json<CreateApiKeyRequest>()).Handle<KeyHandlers>(h => h.Create)
            .Describe("Create an API key (admin); the secret is returned once", d => d.Produces<ApiKey>(201).Writes()
                .WithExample("""{"name":"Power BI","role":"reader","portfolios":["p-emea"]}""")),
        Get("ListKeys", Routes.Keys, Admin).Handle<KeyHandlers>(h => h.List)
            .Describe("List API keys, never their secrets (admin)", d => d.Produces<Page<ApiKey>>().Paged()),
        Get("GetKey", Routes.Key, Admin).Handle<KeyHandlers>(h => h.Get)
            .Describe("Read an API key, never its secret (admin)", d => d.Produces<ApiKey>().WithETag()),
        Delete("RevokeKey", Routes.Key, Admin).Handle<KeyHandlers>(h => h.Revoke)
            .Describe("Revoke an API key (admin)", d => d.Produces(204).Writes().WithIfMatch()),

        Post("CreateGrant", "grants", Admin, RouteBody.Json<CreateGrantRequest>()).Handle<GrantHandlers>(h => h.Create)
            .Describe("Limit an Entra ID user or group to some portfolios (admin); its role comes from the token's app roles", d => d
                .Produces<Grant>(201).Writes().WithExample("""{"principalId":"6f1d2c3b-8e4a-4b8e-9a1c-2d3e4f5a6b7c","principalType":"group","name":"EMEA PMO","portfolios":["p-emea"]}""")),
        Get("ListGrants", "grants", Admin).Handle<GrantHandlers>(h => h.List)
            .Describe("List the grants of Entra ID users and groups (admin)", d => d.Produces<Page<Grant>>().Paged()),
        Get("GetGrant", "grants/{grantId}", Admin).Handle<GrantHandlers>(h => h.Get)
            .Describe("Read a grant (admin)", d => d.Produces<Grant>().WithETag()),
        Delete("RevokeGrant", "grants/{grantId}", Admin).Handle<GrantHandlers>(h => h.Revoke)
            .Describe("Revoke a grant (admin, If-Match)", d => d.Produces(204).Writes().WithIfMatch()),

        Get("GetPortfolioMetrics", "portfolios/{portfolioId}/metrics", Reader).Handle<MetricsHandlers>(h => h.Portfolio)
            .Describe("Portfolio metrics as of a day (?asOf=), with each rate against its survey baseline (reader)", d => d
                .Produces<PortfolioMetrics>().WithMetricsSource().Query("asOf", AsOf, "date")),
        Get("GetMetricsHistory", "portfolios/{portfolioId}/metrics/history", Reader).Handle<MetricsHandlers>(h => h.History)
            .Describe("Daily portfolio snapshots from ?from= to ?to= (dates), oldest first (reader)", d => d.Produces<Page<PortfolioMetrics>>().Paged()
                .Query("from", "First day; 89 days before to by default.", "date").Query("to", "Last day; today by default.", "date")),
        Get("GetProjectMetrics", "portfolios/{portfolioId}/projects/{projectId}/metrics", Reader).Handle<MetricsHandlers>(h => h.Project)
            .Describe("Project metrics as of a day (?asOf=; reader)", d => d.Produces<ProjectMetrics>().WithMetricsSource().Query("asOf", AsOf, "date")),

        Get("ListJobRuns", Routes.Jobs, Admin).Handle<JobHandlers>(h => h.List)
            .Describe("Job run history, newest first (admin; ?job= for one job, paged)", d => d.Produces<Page<JobRun>>().Paged()
                .Query("job", "Only the runs of this job (ComputeMetrics or SendDigests).")),
        Post("RunJob", Routes.RunJob, Admin).Handle<JobHandlers>(h => h.Run)
            .Describe("Start a run of a job now (admin): one queue message per portfolio; answers 202 with the run as enqueued, followed in GET /api/jobs", d => d
                .Produces<JobRun>(202).ProducesProblem(409)),

        Post("CreateSubscription", Routes.Subscriptions, Writer, RouteBody.Json<CreateSubscriptionRequest>()).Handle<DigestHandlers>(h => h.Subscribe)
            .Describe("Subscribe an address to the portfolio's digest (writer)", d => d.Produces<Subscription>(201).Writes()
                .WithExample("""{"email":"owner@example.com","cadence":"weekly","weekday":"monday","sendTime":"08:00","timeZone":"Europe/Amsterdam"}""")),
        Get("ListSubscriptions", Routes.Subscriptions, Writer).Handle<DigestHandlers>(h => h.List)
            .Describe("The portfolio's digest subscriptions (writer, paged)", d => d.Produces<Page<Subscription>>().Paged()),
        Get("GetSubscription", Routes.Subscription, Writer).Handle<DigestHandlers>(h => h.Get)
            .Describe("A digest subscription (writer)", d => d.Produces<Subscription>()),
        Delete("DeleteSubscription", Routes.Subscription, Writer).Handle<DigestHandlers>(h => h.Unsubscribe)
            .Describe("Delete a digest subscription (writer)", d => d.Produces(204)),
        Get("UnsubscribePage", Routes.Unsubscribe, null).Handle<DigestHandlers>(h => h.UnsubscribePage)
            .Describe("The unsubscribe link of a digest: a confirmation page (no key; signed token)", d => d.Produces(200, contentType: "text/html").Token(MailToken)),
        Post("Unsubscribe", Routes.Unsubscribe, null).Handle<DigestHandlers>(h => h.UnsubscribeNow)
            .Describe("One-click unsubscribe (RFC 8058; no key; signed token)", d => d.Produces(200, contentType: "text/html").Token(MailToken)),

        Post("PreviewUpdateRequests", "portfolios/{portfolioId}/update-requests:preview", Writer).Handle<UpdateRequestHandlers>(h => h.Preview)
            .Describe("What each project owner would be asked now: the projects that need an update, grouped by owner (writer)", d => d.Produces<UpdateRequestPreview>()),
        Post("SendUpdateRequests", "portfolios/{portfolioId}/update-requests:send", Writer).Handle<UpdateRequestHandlers>(h => h.Send)
            .Describe("Send this period's update requests now, whatever the time, once per owner and period as the job does (writer)", d => d
                .Produces<UpdateRequestOutcome>().ProducesProblem(409)),
        Get("UpdateForm", Routes.UpdateForm, null).Handle<UpdateRequestHandlers>(h => h.Form)
            .Describe("The update form of one project, from the button in an update-request mail (no key, signed token). A 403 page when the link is altered, expired or not the owner's", d => d
                .Produces(200, contentType: "text/html").Produces(403, contentType: "text/html").Token()),
        Post("SubmitUpdateForm", Routes.UpdateForm, null, RouteBody.Form<UpdateFormFields>(64 * 1024)).Handle<UpdateRequestHandlers>(h => h.Submit)
            .Describe("Submit the update form: a progress update, recorded once per loaded form (no key, signed token)", d => d
                .Produces(200, contentType: "text/html").Produces(400, contentType: "text/html").Produces(403, contentType: "text/html").Token()),
        Get("UpdateRequestsUnsubscribePage", Routes.UpdateRequestsUnsubscribe, null).Handle<UpdateRequestHandlers>(h => h.OptOutPage)
            .Describe("The opt-out link of an update-request mail: a confirmation page (no key, signed token)", d => d
                .Produces(200, contentType: "text/html").Produces(403, contentType: "text/html").Token()),
        Post("UpdateRequestsUnsubscribe", Routes.UpdateRequestsUnsubscribe, null).Handle<UpdateRequestHandlers>(h => h.OptOut)
            .Describe("One-click opt-out of a portfolio's update requests (RFC 8058, no key, signed token)", d => d
                .Produces(200, contentType: "text/html").Produces(403, contentType: "text/html").Token()),
        Post("PreviewDigest", "portfolios/{portfolioId}/digests:preview", Reader).Handle<DigestHandlers>(h => h.Preview)
            .Describe("The digest as it would be sent now (?cadence=weekly|daily; reader)", d => d.Produces<DigestPreview>()
                .Query<Cadence>("cadence", "Which digest: weekly (default) or daily.")),

        Get("FeedServiceDocument", Routes.FeedServiceDocument, Reader).Handle<FeedHandlers>(h => h.ServiceDocument)
            .Describe("Power BI feed: the OData v4 service document listing the entity sets (reader)", d => d.Produces(200, typeof(JsonObject), "application/json")),
        Get("FeedMetadata", Routes.FeedMetadata, Reader).Handle<FeedHandlers>(h => h.Metadata)
            .Describe("Power BI feed: the OData v4 CSDL XML metadata of every entity set (reader)", d => d.Produces(200, typeof(string), "application/xml")),
        Get("FeedEntitySet", Routes.FeedEntitySet, Reader).Handle<FeedHandlers>(h => h.EntitySet)
            .Describe("Power BI feed: an OData v4 entity set with $select, $filter, $orderby, $top, $skip, $count; pages of 5,000 rows follow @odata.nextLink (reader)", d => d
                .Produces(200, typeof(JsonObject), "application/json").OData()),
        Get("FeedCount", Routes.FeedCount, Reader).Handle<FeedHandlers>(h => h.Count)
            .Describe("Power BI feed: the number of rows of an entity set that match $filter, as plain text (reader)", d => d.Produces<long>(200, "text/plain").OData(count: true)),
    ];

    /// <summary>
    /// The dashboard's pages, at the site's root (not under <c>/api</c>): HTML for people, signed in with a session
    /// cookie rather than a key (<see cref="RouteSpec.IsPage"/>; docs/decisions/0022-dashboard-pages-at-the-root.md).
    /// Not in the OpenAPI document. In the Functions host their names start with "Page", and no page template can
    /// match a path under <c>api/</c>, so they never compete with the API's functions.
    /// </summary>
    public static readonly IReadOnlyList<RouteSpec> Pages =
    [
        Page("PageSignInForm", "GET", DashboardRoutes.SignInTemplate, null).Handle<DashboardHandlers>(h => h.SignInForm),
        Page("PageSignIn", "POST", DashboardRoutes.SignInTemplate, null, RouteBody.Form<SignInFields>(PageGate.FormLimit)).Handle<DashboardHandlers>(h => h.SignIn),
        Page("PageSignInEntra", "GET", DashboardRoutes.EntraSignInTemplate, null).Handle<DashboardHandlers>(h => h.SignInWithEntra),
        Page("PageSignInEntraCallback", "GET", DashboardRoutes.EntraCallbackTemplate, null).Handle<DashboardHandlers>(h => h.EntraCallback),
        Page("PageSignOut", "POST", DashboardRoutes.SignOutTemplate, Reader, RouteBody.Form<TokenOnlyFields>(PageGate.FormLimit)).Handle<DashboardHandlers>(h => h.SignOut),
        Page("PagePortfolios", "GET", DashboardRoutes.PortfoliosTemplate, Reader).Handle<DashboardHandlers>(h => h.Portfolios),
        Page("PagePortfolio", "GET", DashboardRoutes.PortfolioTemplate, Reader).Handle<DashboardHandlers>(h => h.Portfolio),
        Page("PageProject", "GET", DashboardRoutes.ProjectTemplate, Reader).Handle<ProjectActions>(h => h.Page),
        Page("PagePostUpdate", "POST", DashboardRoutes.ProjectUpdatesTemplate, Writer, RouteBody.Form<UpdateFields>(PageGate.FormLimit)).Handle<ProjectActions>(h => h.PostUpdate),
        Page("PageEditProject", "POST", DashboardRoutes.ProjectDetailsTemplate, Writer, RouteBody.Form<DetailsFields>(PageGate.FormLimit)).Handle<ProjectActions>(h => h.EditDetails),
        Page("PageImportForm", "GET", DashboardRoutes.ImportTemplate, Writer).Handle<PortfolioActions>(h => h.ImportForm),
        Page("PageImport", "POST", DashboardRoutes.ImportTemplate, Writer, RouteBody.Upload<ImportFields>(PortfolioActions.ConfirmLimit)).Handle<PortfolioActions>(h => h.Import),
        Page("PageExportProjects", "GET", DashboardRoutes.ExportProjectsTemplate, Reader).Handle<PortfolioActions>(h => h.ExportProjects),
        Page("PageExportUpdates", "GET", DashboardRoutes.ExportUpdatesTemplate, Reader).Handle<PortfolioActions>(h => h.ExportUpdates),
        Page("PageExportProjectsXlsx", "GET", DashboardRoutes.ExportProjectsXlsxTemplate, Reader).Handle<PortfolioActions>(h => h.ExportProjectsXlsx),
        Page("PageExportUpdatesXlsx", "GET", DashboardRoutes.ExportUpdatesXlsxTemplate, Reader).Handle<PortfolioActions>(h => h.ExportUpdatesXlsx),
        Page("PageProjectsTemplate", "GET", DashboardRoutes.ProjectsTemplateXlsxTemplate, Reader).Handle<PortfolioActions>(h => h.ProjectsTemplate),
        Page("PageUpdateRequests", "GET", DashboardRoutes.UpdateRequestsTemplate, Writer).Handle<PortfolioActions>(h => h.UpdateRequests),
        Page("PageSendUpdateRequests", "POST", DashboardRoutes.UpdateRequestsTemplate, Writer, RouteBody.Form<TokenOnlyFields>(PageGate.FormLimit)).Handle<PortfolioActions>(h => h.SendUpdateRequests),
        Page("PageAccess", "GET", DashboardRoutes.AccessTemplate, Admin).Handle<AccessActions>(h => h.Page),
        Page("PageCreateKey", "POST", DashboardRoutes.AccessKeysTemplate, Admin, RouteBody.Form<KeyFields>(PageGate.FormLimit)).Handle<AccessActions>(h => h.CreateKey),
        Page("PageRevokeKey", "POST", DashboardRoutes.RevokeKeyTemplate, Admin, RouteBody.Form<TokenOnlyFields>(PageGate.FormLimit)).Handle<AccessActions>(h => h.RevokeKey),
        Page("PageCreateGrant", "POST", DashboardRoutes.AccessGrantsTemplate, Admin, RouteBody.Form<GrantFields>(PageGate.FormLimit)).Handle<AccessActions>(h => h.CreateGrant),
        Page("PageRevokeGrant", "POST", DashboardRoutes.RevokeGrantTemplate, Admin, RouteBody.Form<TokenOnlyFields>(PageGate.FormLimit)).Handle<AccessActions>(h => h.RevokeGrant),
    ];

    /// <summary>
    /// The catch-all: every other path under /api answers a ProblemDetails 404 (or 405). In the Functions host its
    /// name sorts after every other function's, as the host tries routes in function-name order; it takes every method.
    /// </summary>
    public static readonly RouteSpec Fallback = new RouteSpec("ZzUnmatchedRoute", "*", Routes.Unmatched, null).Handle<UnmatchedRoutes>(h => h.Answer);

    private static RouteSpec Page(string name, string method, string template, Role? role, RouteBody? body = null) =>
        new(name, method, template, role, body) { IsPage = true };

    /// <summary>What both sheet imports answer and the query parameters they take.</summary>
    private static RouteDoc SheetImport(RouteDoc d) => d
        .Produces<ImportReport>().Writes().Query("dryRun", "true: validate and report, write nothing.", "boolean").Query("culture", Culture)
        .Query("sheet", "The workbook's sheet to read (an .xlsx upload); the first by default.")
        .Query("map", "Repeatable: Your header:column maps a header to a tracker column; Your header: ignores it. Usual PMO headers need none.");

    private static RouteSpec Get(string name, string template, Role? role) => new(name, "GET", template, role);

    private static RouteSpec Post(string name, string template, Role? role, RouteBody? body = null) => new(name, "POST", template, role, body);

    private static RouteSpec Patch(string name, string template, Role? role, RouteBody body) => new(name, "PATCH", template, role, body);

    private static RouteSpec Delete(string name, string template, Role? role) => new(name, "DELETE", template, role);
}
