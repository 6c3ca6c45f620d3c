using System.Text.Json.Nodes;
using Tracker.Api;
using Tracker.Baselines;
using Tracker.Digests;
using Tracker.Feed;
using Tracker.Health;
using Tracker.Jobs;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Projects;
using Tracker.Security;
using Tracker.Spreadsheets;
using Tracker.UpdateRequests;
using Tracker.Updates;

namespace Tracker.Server;

/// <summary>
/// Maps the route table onto minimal APIs: each endpoint is a one-line delegation to the shared handler (exactly
/// what a function in Tracker.Functions does), plus the metadata that describes it in the OpenAPI document.
/// </summary>
public static class ApiEndpoints
{
    public static RouteGroupBuilder MapTrackerApi(this RouteGroupBuilder api)
    {
        api.MapGet(Routes.Health, (HttpRequest r, ApiDispatcher api, HealthHandlers h) => api.RunAsync("Health", r, h.Get))
            .Describe("Health", "Liveness and storage reachability (no key)").Produces<HealthReport>().ProducesProblem(503).NoApiKey();

        api.MapGet(Routes.Baselines, (HttpRequest r, ApiDispatcher api, BaselineHandlers h) => api.RunAsync("ListBaselines", r, h.List))
            .Describe("ListBaselines", "The survey baselines with their sources (reader)").Produces<Page<Baseline>>();

        api.MapPost(Routes.Portfolios, (HttpRequest r, ApiDispatcher api, PortfolioHandlers h) => api.RunAsync("CreatePortfolio", r, h.Create))
            .Describe("CreatePortfolio", "Create a portfolio (writer, unscoped key)").Produces<Portfolio>(201).Writes().ETag()
            .Example("""{"id":"p-emea","name":"EMEA transformation","owner":"pmo@example.com","timeZone":"Europe/Amsterdam","currency":"EUR"}""");
        api.MapGet(Routes.Portfolios, (HttpRequest r, ApiDispatcher api, PortfolioHandlers h) => api.RunAsync("ListPortfolios", r, h.List))
            .Describe("ListPortfolios", "List portfolios (paged; reader)").Produces<Page<Portfolio>>().Paged();
        api.MapGet(Routes.Portfolio, (HttpRequest r, string portfolioId, ApiDispatcher api, PortfolioHandlers h) => api.RunAsync("GetPortfolio", r, h.Get, portfolioId))
            .Describe("GetPortfolio", "Read a portfolio; its ETag is in the ETag header (reader)").Produces<Portfolio>().ETag();
        api.MapPatch(Routes.Portfolio, (HttpRequest r, string portfolioId, ApiDispatcher api, PortfolioHandlers h) => api.RunAsync("PatchPortfolio", r, h.Patch, portfolioId))
            .Describe("PatchPortfolio", "Change a portfolio (JSON merge patch, If-Match; writer)").Produces<Portfolio>().Writes()
            .IfMatch().ETag().Example("""{"owner":"pmo.lead@example.com"}""");
        api.MapDelete(Routes.Portfolio, (HttpRequest r, string portfolioId, ApiDispatcher api, PortfolioHandlers h) => api.RunAsync("DeletePortfolio", r, h.Delete, portfolioId))
            .Describe("DeletePortfolio", "Delete an empty portfolio (admin, If-Match)").Produces(204).Writes().IfMatch();

        api.MapPost(Routes.Projects, (HttpRequest r, string portfolioId, ApiDispatcher api, ProjectHandlers h) => api.RunAsync("CreateProject", r, h.Create, portfolioId))
            .Describe("CreateProject", "Create a project (writer)").Produces<Project>(201).Writes().ETag()
            .Example("""{"id":"crm-consolidation","name":"CRM consolidation","category":"crm","status":"active","priority":"high","startDate":"2026-01-05","targetDate":"2026-12-18","budget":250000,"customerEngagement":true,"customerKpi":"NPS","financialMeasure":"churn cost"}""");
        api.MapGet(Routes.Projects, (HttpRequest r, string portfolioId, ApiDispatcher api, ProjectHandlers h) => api.RunAsync("ListProjects", r, h.List, portfolioId))
            .Describe("ListProjects", "List projects, filtered by status, category and priority (paged); with Accept: text/csv all of them as CSV")
            .Produces<Page<Project>>().Paged()
            .Query<ProjectStatus>("status", "Only projects with this status.").Query<Category>("category", "Only projects of this category.").Query<Priority>("priority", "Only projects with this priority.");
        api.MapGet(Routes.Project, (HttpRequest r, string portfolioId, string projectId, ApiDispatcher api, ProjectHandlers h) => api.RunAsync("GetProject", r, h.Get, portfolioId, projectId))
            .Describe("GetProject", "Read a project's current state; its ETag is in the ETag header (reader)").Produces<Project>().ETag();
        api.MapPatch(Routes.Project, (HttpRequest r, string portfolioId, string projectId, ApiDispatcher api, ProjectHandlers h) => api.RunAsync("PatchProject", r, h.Patch, portfolioId, projectId))
            .Describe("PatchProject", "Change a project's descriptive fields (JSON merge patch, If-Match; writer)").Produces<Project>().Writes()
            .IfMatch().ETag().Example("""{"targetDate":"2027-03-31"}""");
        api.MapDelete(Routes.Project, (HttpRequest r, string portfolioId, string projectId, ApiDispatcher api, ProjectHandlers h) => api.RunAsync("DeleteProject", r, h.Delete, portfolioId, projectId))
            .Describe("DeleteProject", "Delete a project and its history (If-Match; writer)").Produces(204).Writes().IfMatch();

        api.MapPost(Routes.Updates, (HttpRequest r, string portfolioId, string projectId, ApiDispatcher api, UpdateHandlers h) => api.RunAsync("PostUpdate", r, h.Post, portfolioId, projectId))
            .Describe("PostUpdate", "Post a progress update (writer); one reported late goes to history without overwriting newer state")
            .Produces<ProgressUpdate>(201).Writes()
            .Example("""{"reportedAt":"2026-03-02T09:00:00Z","percentComplete":45,"spend":120000,"budget":260000,"priority":"critical","rag":"amber","note":"Data migration done"}""");
        api.MapGet(Routes.Updates, (HttpRequest r, string portfolioId, string projectId, ApiDispatcher api, UpdateHandlers h) => api.RunAsync("ListUpdates", r, h.List, portfolioId, projectId))
            .Describe("ListUpdates", "A project's update history, newest first, from (inclusive) to (exclusive); with Accept: text/csv all of it as CSV")
            .Produces<Page<ProgressUpdate>>().Paged()
            .Query("from", "From this instant (inclusive): a date (that day in the portfolio's time zone) or a timestamp with offset.")
            .Query("to", "To this instant (exclusive): a date (that whole day included) or a timestamp with offset.");

        api.MapPost(Routes.ProjectsImport, (HttpRequest r, string portfolioId, ApiDispatcher api, SpreadsheetHandlers h) => api.RunAsync("ImportProjects", r, h.ImportProjects, portfolioId))
            .Describe("ImportProjects", "Create and change projects from a CSV file (text/csv; ?dryRun=true validates only): a report per row; any invalid row: 422, nothing written")
            .Produces<ImportReport>().Writes().Query("dryRun", "true: validate and report, write nothing.", "boolean");
        api.MapPost(Routes.UpdatesImport, (HttpRequest r, string portfolioId, ApiDispatcher api, SpreadsheetHandlers h) => api.RunAsync("ImportUpdates", r, h.ImportUpdates, portfolioId))
            .Describe("ImportUpdates", "Post progress updates from a CSV file (text/csv; ?dryRun=true validates only), with the semantics of single posts")
            .Produces<ImportReport>().Writes().Query("dryRun", "true: validate and report, write nothing.", "boolean");
        api.MapGet(Routes.PortfolioUpdates, (HttpRequest r, string portfolioId, ApiDispatcher api, SpreadsheetHandlers h) => api.RunAsync("ExportPortfolioUpdates", r, h.ExportUpdates, portfolioId))
            .Describe("ExportPortfolioUpdates", "Every update of the portfolio from ?from= to ?to= as CSV (Accept: text/csv)")
            .Produces(200, contentType: "text/csv").ProducesProblem(406)
            .Query("from", "From this instant (inclusive): a date or a timestamp with offset.").Query("to", "To this instant (exclusive).");

        api.MapPost(Routes.Keys, (HttpRequest r, ApiDispatcher api, KeyHandlers h) => api.RunAsync("CreateKey", r, h.Create))
            .Describe("CreateKey", "Create an API key (admin); the secret is returned once").Produces<ApiKey>(201).Writes()
            .Example("""{"name":"Power BI","role":"reader","portfolios":["p-emea"]}""");
        api.MapGet(Routes.Keys, (HttpRequest r, ApiDispatcher api, KeyHandlers h) => api.RunAsync("ListKeys", r, h.List))
            .Describe("ListKeys", "List API keys, never their secrets (admin)").Produces<Page<ApiKey>>().Paged();
        api.MapGet(Routes.Key, (HttpRequest r, string keyId, ApiDispatcher api, KeyHandlers h) => api.RunAsync("GetKey", r, h.Get, keyId))
            .Describe("GetKey", "Read an API key, never its secret (admin)").Produces<ApiKey>().ETag();
        api.MapDelete(Routes.Key, (HttpRequest r, string keyId, ApiDispatcher api, KeyHandlers h) => api.RunAsync("RevokeKey", r, h.Revoke, keyId))
            .Describe("RevokeKey", "Revoke an API key (admin)").Produces(204).Writes().IfMatch();

        api.MapGet(Routes.PortfolioMetrics, (HttpRequest r, string portfolioId, ApiDispatcher api, MetricsHandlers h) => api.RunAsync("GetPortfolioMetrics", r, h.Portfolio, portfolioId))
            .Describe("GetPortfolioMetrics", "Portfolio metrics as of a day (?asOf=), with each rate against its survey baseline (reader)").Produces<PortfolioMetrics>()
            .MetricsSource().Query("asOf", "The day (in the portfolio's time zone); today by default.", "date");
        api.MapGet(Routes.MetricsHistory, (HttpRequest r, string portfolioId, ApiDispatcher api, MetricsHandlers h) => api.RunAsync("GetMetricsHistory", r, h.History, portfolioId))
            .Describe("GetMetricsHistory", "Daily portfolio snapshots from ?from= to ?to= (dates), oldest first (reader)").Produces<Page<PortfolioMetrics>>().Paged()
            .Query("from", "First day; 89 days before to by default.", "date").Query("to", "Last day; today by default.", "date");
        api.MapGet(Routes.ProjectMetrics, (HttpRequest r, string portfolioId, string projectId, ApiDispatcher api, MetricsHandlers h) => api.RunAsync("GetProjectMetrics", r, h.Project, portfolioId, projectId))
            .Describe("GetProjectMetrics", "Project metrics as of a day (?asOf=; reader)").Produces<ProjectMetrics>()
            .MetricsSource().Query("asOf", "The day (in the portfolio's time zone); today by default.", "date");

        api.MapGet(Routes.Jobs, (HttpRequest r, ApiDispatcher api, JobHandlers h) => api.RunAsync("ListJobRuns", r, h.List))
            .Describe("ListJobRuns", "Job run history, newest first (admin; ?job= for one job, paged)").Produces<Page<JobRun>>().Paged()
            .Query("job", "Only the runs of this job (ComputeMetrics or SendDigests).");
        api.MapPost(Routes.RunJob, (HttpRequest r, string name, ApiDispatcher api, JobHandlers h) => api.RunAsync("RunJob", r, h.Run, name))
            .Describe("RunJob", "Start a run of a job now (admin): one queue message per portfolio; answers 202 with the run as enqueued, followed in GET /api/jobs").Produces<JobRun>(202).ProducesProblem(409);

        api.MapPost(Routes.Subscriptions, (HttpRequest r, string portfolioId, ApiDispatcher api, DigestHandlers h) => api.RunAsync("CreateSubscription", r, h.Subscribe, portfolioId))
            .Describe("CreateSubscription", "Subscribe an address to the portfolio's digest (writer)").Produces<Subscription>(201).Writes()
            .Example("""{"email":"owner@example.com","cadence":"weekly","weekday":"monday","sendTime":"08:00","timeZone":"Europe/Amsterdam"}""");
        api.MapGet(Routes.Subscriptions, (HttpRequest r, string portfolioId, ApiDispatcher api, DigestHandlers h) => api.RunAsync("ListSubscriptions", r, h.List, portfolioId))
            .Describe("ListSubscriptions", "The portfolio's digest subscriptions (writer, paged)").Produces<Page<Subscription>>().Paged();
        api.MapGet(Routes.Subscription, (HttpRequest r, string portfolioId, string subscriptionId, ApiDispatcher api, DigestHandlers h) => api.RunAsync("GetSubscription", r, h.Get, portfolioId, subscriptionId))
            .Describe("GetSubscription", "A digest subscription (writer)").Produces<Subscription>();
        api.MapDelete(Routes.Subscription, (HttpRequest r, string portfolioId, string subscriptionId, ApiDispatcher api, DigestHandlers h) => api.RunAsync("DeleteSubscription", r, h.Unsubscribe, portfolioId, subscriptionId))
            .Describe("DeleteSubscription", "Delete a digest subscription (writer)").Produces(204);
        api.MapGet(Routes.Unsubscribe, (HttpRequest r, ApiDispatcher api, DigestHandlers h) => api.RunAsync("UnsubscribePage", r, h.UnsubscribePage))
            .Describe("UnsubscribePage", "The unsubscribe link of a digest: a confirmation page (no key; signed token)").Produces(200, contentType: "text/html")
            .NoApiKey().Query("token", "The signed token from the digest's link.");
        api.MapPost(Routes.Unsubscribe, (HttpRequest r, ApiDispatcher api, DigestHandlers h) => api.RunAsync("Unsubscribe", r, h.UnsubscribeNow))
            .Describe("Unsubscribe", "One-click unsubscribe (RFC 8058; no key; signed token)").Produces(200, contentType: "text/html")
            .NoApiKey().Query("token", "The signed token from the digest's link.");
        api.MapPost(Routes.UpdateRequestsPreview, (HttpRequest r, string portfolioId, ApiDispatcher api, UpdateRequestHandlers h) => api.RunAsync("PreviewUpdateRequests", r, h.Preview, portfolioId))
            .Describe("PreviewUpdateRequests", "What each project owner would be asked now: the projects that need an update, grouped by owner (writer)").Produces<UpdateRequestPreview>();
        api.MapPost(Routes.UpdateRequestsSend, (HttpRequest r, string portfolioId, ApiDispatcher api, UpdateRequestHandlers h) => api.RunAsync("SendUpdateRequests", r, h.Send, portfolioId))
            .Describe("SendUpdateRequests", "Send this period's update requests now, whatever the time, once per owner and period as the job does (writer)").Produces<UpdateRequestOutcome>().ProducesProblem(409);
        api.MapGet(Routes.UpdateForm, (HttpRequest r, ApiDispatcher api, UpdateRequestHandlers h) => api.RunAsync("UpdateForm", r, h.Form))
            .Describe("UpdateForm", "The update form of one project, from the button in an update-request mail (no key, signed token). A 403 page when the link is altered, expired or not the owner's")
            .Produces(200, contentType: "text/html").Produces(403, contentType: "text/html").NoApiKey().Query("token", "The signed token from the link.");
        api.MapPost(Routes.UpdateForm, (HttpRequest r, ApiDispatcher api, UpdateRequestHandlers h) => api.RunAsync("SubmitUpdateForm", r, h.Submit))
            .Describe("SubmitUpdateForm", "Submit the update form: a progress update, recorded once per loaded form (no key, signed token)")
            .Produces(200, contentType: "text/html").Produces(400, contentType: "text/html").Produces(403, contentType: "text/html").NoApiKey().Query("token", "The signed token from the link.");
        api.MapGet(Routes.UpdateRequestsUnsubscribe, (HttpRequest r, ApiDispatcher api, UpdateRequestHandlers h) => api.RunAsync("UpdateRequestsUnsubscribePage", r, h.OptOutPage))
            .Describe("UpdateRequestsUnsubscribePage", "The opt-out link of an update-request mail: a confirmation page (no key, signed token)")
            .Produces(200, contentType: "text/html").Produces(403, contentType: "text/html").NoApiKey().Query("token", "The signed token from the link.");
        api.MapPost(Routes.UpdateRequestsUnsubscribe, (HttpRequest r, ApiDispatcher api, UpdateRequestHandlers h) => api.RunAsync("UpdateRequestsUnsubscribe", r, h.OptOut))
            .Describe("UpdateRequestsUnsubscribe", "One-click opt-out of a portfolio's update requests (RFC 8058, no key, signed token)")
            .Produces(200, contentType: "text/html").Produces(403, contentType: "text/html").NoApiKey().Query("token", "The signed token from the link.");
        api.MapPost(Routes.DigestPreview, (HttpRequest r, string portfolioId, ApiDispatcher api, DigestHandlers h) => api.RunAsync("PreviewDigest", r, h.Preview, portfolioId))
            .Describe("PreviewDigest", "The digest as it would be sent now (?cadence=weekly|daily; reader)").Produces<DigestPreview>()
            .Query<Cadence>("cadence", "Which digest: weekly (default) or daily.");

        api.MapGet(Routes.FeedServiceDocument, (HttpRequest r, ApiDispatcher api, FeedHandlers h) => api.RunAsync("FeedServiceDocument", r, h.ServiceDocument))
            .Describe("FeedServiceDocument", "Power BI feed: the OData v4 service document listing the entity sets (reader)")
            .Produces(200, typeof(JsonObject), "application/json");
        api.MapGet(Routes.FeedMetadata, (HttpRequest r, ApiDispatcher api, FeedHandlers h) => api.RunAsync("FeedMetadata", r, h.Metadata))
            .Describe("FeedMetadata", "Power BI feed: the OData v4 CSDL XML metadata of every entity set (reader)")
            .Produces(200, typeof(string), "application/xml");
        api.MapGet(Routes.FeedEntitySet, (HttpRequest r, string entitySet, ApiDispatcher api, FeedHandlers h) => api.RunAsync("FeedEntitySet", r, h.EntitySet, entitySet))
            .Describe("FeedEntitySet", "Power BI feed: an OData v4 entity set with $select, $filter, $orderby, $top, $skip, $count; pages of 5,000 rows follow @odata.nextLink (reader)")
            .Produces(200, typeof(JsonObject), "application/json").OData();
        api.MapGet(Routes.FeedCount, (HttpRequest r, string entitySet, ApiDispatcher api, FeedHandlers h) => api.RunAsync("FeedCount", r, h.Count, entitySet))
            .Describe("FeedCount", "Power BI feed: the number of rows of an entity set that match $filter, as plain text (reader)")
            .Produces<long>(200, "text/plain").OData(count: true);
        return api;
    }

    /// <summary>Names and summarises the route; its request body is documented as <see cref="RouteTable"/> declares it.</summary>
    private static RouteHandlerBuilder Describe(this RouteHandlerBuilder endpoint, string name, string summary)
    {
        endpoint.WithName(name).WithSummary(summary).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403)
            .ProducesProblem(404).ProducesProblem(503);
        // Not Accepts: that makes routing answer a bare 415 before the handler; the handler's own check answers 415
        // as ProblemDetails, the same in both hosts.
        return RouteTable.All.Single(r => r.Name == name).Body is { } body
            ? endpoint.WithMetadata(new RequestBodyMetadata(body.Type, body.MediaTypes[0]))
            : endpoint;
    }

    private static RouteHandlerBuilder Paged(this RouteHandlerBuilder endpoint) =>
        endpoint.Query("limit", "Items per page, 1 to 1000 (default 100).", "integer")
            .Query("continuationToken", "The continuationToken of the previous page, as it was returned (signed; only for the same query).");

    private static RouteHandlerBuilder Query(this RouteHandlerBuilder endpoint, string name, string description, string type = "string") =>
        endpoint.WithMetadata(new QueryParameterMetadata(name, description, type));

    private static RouteHandlerBuilder Query<TEnum>(this RouteHandlerBuilder endpoint, string name, string description) where TEnum : struct, Enum =>
        endpoint.WithMetadata(new QueryParameterMetadata(name, description, Enum: typeof(TEnum)));

    private static RouteHandlerBuilder OData(this RouteHandlerBuilder endpoint, bool count = false)
    {
        endpoint.Query("$filter", "OData filter: eq, ne, gt, ge, lt, le, and, or, not over the set's properties.")
            .Query("$top", "At most this many rows.", "integer").Query("$skip", "Skip this many matching rows.", "integer");
        return count ? endpoint : endpoint.Query("$select", "Properties to return, comma-separated.").Query("$orderby", "Sort by properties (in memory, at most 100,000 rows).")
            .Query("$count", "true: include @odata.count.", "boolean").Query("$skiptoken", "Where the next page resumes (from @odata.nextLink).");
    }

    private static RouteHandlerBuilder NoApiKey(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new NoApiKeyMetadata());

    private static RouteHandlerBuilder IfMatch(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new IfMatchMetadata());

    private static RouteHandlerBuilder ETag(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new ETagMetadata());

    private static RouteHandlerBuilder MetricsSource(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new MetricsSourceMetadata());

    private static RouteHandlerBuilder Example(this RouteHandlerBuilder endpoint, string json) => endpoint.WithMetadata(new ExampleMetadata(json));

    private static RouteHandlerBuilder Writes(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(409).ProducesProblem(412).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);

}
