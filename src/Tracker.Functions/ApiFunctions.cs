using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
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

namespace Tracker.Functions;

/// <summary>
/// One function per route of <see cref="RouteTable"/>, each a one-line delegation to the dispatcher with the route's
/// name and values. Functions run anonymously: the dispatcher checks API keys as the route declares, the same way in
/// both hosts.
/// </summary>
public sealed class ApiFunctions(
    ApiDispatcher api, HealthHandlers health, BaselineHandlers baselines, PortfolioHandlers portfolios, ProjectHandlers projects, UpdateHandlers updates,
    KeyHandlers keys, MetricsHandlers metrics, JobHandlers jobs, FeedHandlers feed, OpenApiHandlers openApi, DigestHandlers digests, UnmatchedRoutes unmatched,
    SpreadsheetHandlers sheets, UpdateRequestHandlers requests)
{
    [Function("Health")]
    public Task<ApiResponse> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Health)] HttpRequest req) => api.RunAsync("Health", req, health.Get);

    [Function("OpenApi")]
    public Task<ApiResponse> OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApi)] HttpRequest req) => api.RunAsync("OpenApi", req, openApi.Get);

    [Function("ListBaselines")]
    public Task<ApiResponse> ListBaselines([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Baselines)] HttpRequest req) => api.RunAsync("ListBaselines", req, baselines.List);

    [Function("CreatePortfolio")]
    public Task<ApiResponse> CreatePortfolio([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Portfolios)] HttpRequest req) => api.RunAsync("CreatePortfolio", req, portfolios.Create);

    [Function("ListPortfolios")]
    public Task<ApiResponse> ListPortfolios([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Portfolios)] HttpRequest req) => api.RunAsync("ListPortfolios", req, portfolios.List);

    [Function("GetPortfolio")]
    public Task<ApiResponse> GetPortfolio([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Portfolio)] HttpRequest req, string portfolioId) => api.RunAsync("GetPortfolio", req, portfolios.Get, portfolioId);

    [Function("PatchPortfolio")]
    public Task<ApiResponse> PatchPortfolio([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Routes.Portfolio)] HttpRequest req, string portfolioId) => api.RunAsync("PatchPortfolio", req, portfolios.Patch, portfolioId);

    [Function("DeletePortfolio")]
    public Task<ApiResponse> DeletePortfolio([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Portfolio)] HttpRequest req, string portfolioId) => api.RunAsync("DeletePortfolio", req, portfolios.Delete, portfolioId);

    [Function("CreateProject")]
    public Task<ApiResponse> CreateProject([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Projects)] HttpRequest req, string portfolioId) => api.RunAsync("CreateProject", req, projects.Create, portfolioId);

    [Function("ListProjects")]
    public Task<ApiResponse> ListProjects([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Projects)] HttpRequest req, string portfolioId) => api.RunAsync("ListProjects", req, projects.List, portfolioId);

    [Function("GetProject")]
    public Task<ApiResponse> GetProject([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Project)] HttpRequest req, string portfolioId, string projectId) => api.RunAsync("GetProject", req, projects.Get, portfolioId, projectId);

    [Function("PatchProject")]
    public Task<ApiResponse> PatchProject([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Routes.Project)] HttpRequest req, string portfolioId, string projectId) => api.RunAsync("PatchProject", req, projects.Patch, portfolioId, projectId);

    [Function("DeleteProject")]
    public Task<ApiResponse> DeleteProject([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Project)] HttpRequest req, string portfolioId, string projectId) => api.RunAsync("DeleteProject", req, projects.Delete, portfolioId, projectId);

    [Function("PostUpdate")]
    public Task<ApiResponse> PostUpdate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Updates)] HttpRequest req, string portfolioId, string projectId) => api.RunAsync("PostUpdate", req, updates.Post, portfolioId, projectId);

    [Function("ListUpdates")]
    public Task<ApiResponse> ListUpdates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Updates)] HttpRequest req, string portfolioId, string projectId) => api.RunAsync("ListUpdates", req, updates.List, portfolioId, projectId);

    [Function("ImportProjects")]
    public Task<ApiResponse> ImportProjects([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.ProjectsImport)] HttpRequest req, string portfolioId) => api.RunAsync("ImportProjects", req, sheets.ImportProjects, portfolioId);

    [Function("ImportUpdates")]
    public Task<ApiResponse> ImportUpdates([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.UpdatesImport)] HttpRequest req, string portfolioId) => api.RunAsync("ImportUpdates", req, sheets.ImportUpdates, portfolioId);

    [Function("ExportPortfolioUpdates")]
    public Task<ApiResponse> ExportPortfolioUpdates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.PortfolioUpdates)] HttpRequest req, string portfolioId) => api.RunAsync("ExportPortfolioUpdates", req, sheets.ExportUpdates, portfolioId);

    [Function("CreateKey")]
    public Task<ApiResponse> CreateKey([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Keys)] HttpRequest req) => api.RunAsync("CreateKey", req, keys.Create);

    [Function("ListKeys")]
    public Task<ApiResponse> ListKeys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Keys)] HttpRequest req) => api.RunAsync("ListKeys", req, keys.List);

    [Function("GetKey")]
    public Task<ApiResponse> GetKey([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Key)] HttpRequest req, string keyId) => api.RunAsync("GetKey", req, keys.Get, keyId);

    [Function("RevokeKey")]
    public Task<ApiResponse> RevokeKey([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Key)] HttpRequest req, string keyId) => api.RunAsync("RevokeKey", req, keys.Revoke, keyId);

    [Function("GetPortfolioMetrics")]
    public Task<ApiResponse> GetPortfolioMetrics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.PortfolioMetrics)] HttpRequest req, string portfolioId) => api.RunAsync("GetPortfolioMetrics", req, metrics.Portfolio, portfolioId);

    [Function("GetMetricsHistory")]
    public Task<ApiResponse> GetMetricsHistory([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.MetricsHistory)] HttpRequest req, string portfolioId) => api.RunAsync("GetMetricsHistory", req, metrics.History, portfolioId);

    [Function("GetProjectMetrics")]
    public Task<ApiResponse> GetProjectMetrics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ProjectMetrics)] HttpRequest req, string portfolioId, string projectId) => api.RunAsync("GetProjectMetrics", req, metrics.Project, portfolioId, projectId);

    [Function("ListJobRuns")]
    public Task<ApiResponse> ListJobRuns([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Jobs)] HttpRequest req) => api.RunAsync("ListJobRuns", req, jobs.List);

    [Function("RunJob")]
    public Task<ApiResponse> RunJob([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.RunJob)] HttpRequest req, string name) => api.RunAsync("RunJob", req, jobs.Run, name);

    [Function("CreateSubscription")]
    public Task<ApiResponse> CreateSubscription([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Subscriptions)] HttpRequest req, string portfolioId) => api.RunAsync("CreateSubscription", req, digests.Subscribe, portfolioId);

    [Function("ListSubscriptions")]
    public Task<ApiResponse> ListSubscriptions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Subscriptions)] HttpRequest req, string portfolioId) => api.RunAsync("ListSubscriptions", req, digests.List, portfolioId);

    [Function("GetSubscription")]
    public Task<ApiResponse> GetSubscription([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Subscription)] HttpRequest req, string portfolioId, string subscriptionId) => api.RunAsync("GetSubscription", req, digests.Get, portfolioId, subscriptionId);

    [Function("DeleteSubscription")]
    public Task<ApiResponse> DeleteSubscription([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Subscription)] HttpRequest req, string portfolioId, string subscriptionId) => api.RunAsync("DeleteSubscription", req, digests.Unsubscribe, portfolioId, subscriptionId);

    [Function("UnsubscribePage")]
    public Task<ApiResponse> UnsubscribePage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Unsubscribe)] HttpRequest req) => api.RunAsync("UnsubscribePage", req, digests.UnsubscribePage);

    [Function("Unsubscribe")]
    public Task<ApiResponse> Unsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Unsubscribe)] HttpRequest req) => api.RunAsync("Unsubscribe", req, digests.UnsubscribeNow);

    [Function("PreviewUpdateRequests")]
    public Task<ApiResponse> PreviewUpdateRequests([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.UpdateRequestsPreview)] HttpRequest req, string portfolioId) => api.RunAsync("PreviewUpdateRequests", req, requests.Preview, portfolioId);

    [Function("SendUpdateRequests")]
    public Task<ApiResponse> SendUpdateRequests([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.UpdateRequestsSend)] HttpRequest req, string portfolioId) => api.RunAsync("SendUpdateRequests", req, requests.Send, portfolioId);

    [Function("UpdateForm")]
    public Task<ApiResponse> UpdateForm([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.UpdateForm)] HttpRequest req) => api.RunAsync("UpdateForm", req, requests.Form);

    [Function("SubmitUpdateForm")]
    public Task<ApiResponse> SubmitUpdateForm([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.UpdateForm)] HttpRequest req) => api.RunAsync("SubmitUpdateForm", req, requests.Submit);

    [Function("UpdateRequestsUnsubscribePage")]
    public Task<ApiResponse> UpdateRequestsUnsubscribePage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.UpdateRequestsUnsubscribe)] HttpRequest req) => api.RunAsync("UpdateRequestsUnsubscribePage", req, requests.OptOutPage);

    [Function("UpdateRequestsUnsubscribe")]
    public Task<ApiResponse> UpdateRequestsUnsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.UpdateRequestsUnsubscribe)] HttpRequest req) => api.RunAsync("UpdateRequestsUnsubscribe", req, requests.OptOut);

    [Function("PreviewDigest")]
    public Task<ApiResponse> PreviewDigest([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.DigestPreview)] HttpRequest req, string portfolioId) => api.RunAsync("PreviewDigest", req, digests.Preview, portfolioId);

    [Function("FeedServiceDocument")]
    public Task<ApiResponse> FeedServiceDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.FeedServiceDocument)] HttpRequest req) => api.RunAsync("FeedServiceDocument", req, feed.ServiceDocument);

    [Function("FeedMetadata")]
    public Task<ApiResponse> FeedMetadata([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.FeedMetadata)] HttpRequest req) => api.RunAsync("FeedMetadata", req, feed.Metadata);

    [Function("FeedEntitySet")]
    public Task<ApiResponse> FeedEntitySet([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.FeedEntitySet)] HttpRequest req, string entitySet) => api.RunAsync("FeedEntitySet", req, feed.EntitySet, entitySet);

    [Function("FeedCount")]
    public Task<ApiResponse> FeedCount([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.FeedCount)] HttpRequest req, string entitySet) => api.RunAsync("FeedCount", req, feed.Count, entitySet);

    /// <summary>Everything else under /api: a ProblemDetails 404 (or 405), not the host's bare 404. Its name sorts last.</summary>
    [Function("ZzUnmatchedRoute")]
    public Task<ApiResponse> ZzUnmatchedRoute([HttpTrigger(AuthorizationLevel.Anonymous, Route = Routes.Unmatched)] HttpRequest req) => api.RunAsync("ZzUnmatchedRoute", req, unmatched.Answer);
}
