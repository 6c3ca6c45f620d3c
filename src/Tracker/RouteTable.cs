using Tracker.Api;
using Tracker.Digests;
using Tracker.Portfolios;
using Tracker.Projects;
using Tracker.Security;
using Tracker.Spreadsheets;
using Tracker.UpdateRequests;
using Tracker.Updates;

namespace Tracker;

/// <summary>
/// The route table both hosts implement, with what each route needs (Api/Routes.cs: <see cref="RouteSpec"/>); tests
/// check each host against it. It sits in the composition root because it names the features' request types.
/// </summary>
public static class RouteTable
{
    private static readonly RouteBody CsvUpload = RouteBody.File(CsvFiles.MediaType, CsvFiles.MaxBytes);

    private const Role Reader = Role.Reader;
    private const Role Writer = Role.Writer;
    private const Role Admin = Role.Admin;

    public static readonly IReadOnlyList<RouteSpec> All =
    [
        new("Health", "GET", Routes.Health, null),
        new("OpenApi", "GET", Routes.OpenApi, null),
        new("ListBaselines", "GET", Routes.Baselines, Reader),
        new("CreatePortfolio", "POST", Routes.Portfolios, Writer, RouteBody.Json<CreatePortfolioRequest>()),
        new("ListPortfolios", "GET", Routes.Portfolios, Reader),
        new("GetPortfolio", "GET", Routes.Portfolio, Reader),
        new("PatchPortfolio", "PATCH", Routes.Portfolio, Writer, RouteBody.Patch<CreatePortfolioRequest>()),
        new("DeletePortfolio", "DELETE", Routes.Portfolio, Admin),
        new("CreateProject", "POST", Routes.Projects, Writer, RouteBody.Json<CreateProjectRequest>()),
        new("ListProjects", "GET", Routes.Projects, Reader),
        new("GetProject", "GET", Routes.Project, Reader),
        new("PatchProject", "PATCH", Routes.Project, Writer, RouteBody.Patch<CreateProjectRequest>()),
        new("DeleteProject", "DELETE", Routes.Project, Writer),
        new("PostUpdate", "POST", Routes.Updates, Writer, RouteBody.Json<PostUpdateRequest>()),
        new("ListUpdates", "GET", Routes.Updates, Reader),
        new("ImportProjects", "POST", Routes.ProjectsImport, Writer, CsvUpload),
        new("ImportUpdates", "POST", Routes.UpdatesImport, Writer, CsvUpload),
        new("ExportPortfolioUpdates", "GET", Routes.PortfolioUpdates, Reader),
        new("CreateKey", "POST", Routes.Keys, Admin, RouteBody.Json<CreateApiKeyRequest>()),
        new("ListKeys", "GET", Routes.Keys, Admin),
        new("GetKey", "GET", Routes.Key, Admin),
        new("RevokeKey", "DELETE", Routes.Key, Admin),
        new("GetPortfolioMetrics", "GET", Routes.PortfolioMetrics, Reader),
        new("GetMetricsHistory", "GET", Routes.MetricsHistory, Reader),
        new("GetProjectMetrics", "GET", Routes.ProjectMetrics, Reader),
        new("ListJobRuns", "GET", Routes.Jobs, Admin),
        new("RunJob", "POST", Routes.RunJob, Admin),
        new("CreateSubscription", "POST", Routes.Subscriptions, Writer, RouteBody.Json<CreateSubscriptionRequest>()),
        new("ListSubscriptions", "GET", Routes.Subscriptions, Writer),
        new("GetSubscription", "GET", Routes.Subscription, Writer),
        new("DeleteSubscription", "DELETE", Routes.Subscription, Writer),
        new("UnsubscribePage", "GET", Routes.Unsubscribe, null),
        new("Unsubscribe", "POST", Routes.Unsubscribe, null),
        new("PreviewDigest", "POST", Routes.DigestPreview, Reader),
        new("PreviewUpdateRequests", "POST", Routes.UpdateRequestsPreview, Writer),
        new("SendUpdateRequests", "POST", Routes.UpdateRequestsSend, Writer),
        new("UpdateForm", "GET", Routes.UpdateForm, null),
        new("SubmitUpdateForm", "POST", Routes.UpdateForm, null, RouteBody.Form<UpdateFormFields>(64 * 1024)),
        new("UpdateRequestsUnsubscribePage", "GET", Routes.UpdateRequestsUnsubscribe, null),
        new("UpdateRequestsUnsubscribe", "POST", Routes.UpdateRequestsUnsubscribe, null),
        new("FeedServiceDocument", "GET", Routes.FeedServiceDocument, Reader),
        new("FeedMetadata", "GET", Routes.FeedMetadata, Reader),
        new("FeedEntitySet", "GET", Routes.FeedEntitySet, Reader),
        new("FeedCount", "GET", Routes.FeedCount, Reader),
    ];

    /// <summary>
    /// The catch-all of the Functions host. The host tries routes in function-name order, so this one's name sorts
    /// after every other function's; it takes every method.
    /// </summary>
    public static readonly RouteSpec Fallback = new("ZzUnmatchedRoute", "*", Routes.Unmatched, null);
}
