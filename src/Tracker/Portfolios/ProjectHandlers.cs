using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Portfolios;

public sealed class ProjectHandlers(
    PortfolioStore portfolios, ProjectStore projects, UpdateStore updates, ProgressRecorder recorder, TimeProvider time)
{
    /// <summary>Descriptive fields; the measured ones (status, priority, budget, spend, percent, rag) change through updates.</summary>
    public static readonly string[] Patchable =
        ["name", "category", "owner", "startDate", "targetDate", "customerEngagement", "customerKpi", "financialMeasure"];

    public async Task<ApiResponse> Create(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var body = await call.ReadJsonAsync<CreateProjectRequest>();
        await portfolios.GetAsync(portfolioId, call.Aborted);
        var created = NewEntity(portfolioId, body, call.Identity.Id, call.Identity.At);
        created.RequestId = call.Identity.Id;
        var entity = await projects.AddAsync(created, call.Aborted);
        return ApiResponse.Created(entity.ToApi(), Routes.ProjectPath(portfolioId, entity.RowKey), entity.ETag.ToString());
    }

    public async Task<ApiResponse> List(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var status = Query.Enum<ProjectStatus>(call.Request, "status");
        var category = Query.Enum<Category>(call.Request, "category");
        var priority = Query.Enum<Priority>(call.Request, "priority");
        var fingerprint = Paging.Fingerprint("projects", portfolioId, status, category, priority);
        var paging = await call.PagingAsync(fingerprint);
        await portfolios.GetAsync(portfolioId, call.Aborted);
        var (items, token) = await projects.ListAsync(portfolioId, status, category, priority, paging.Limit, paging.StorageToken, call.Aborted);
        return ApiResponse.Ok(new Page<Project>([.. items.Select(p => p.ToApi())], await call.NextTokenAsync(token, fingerprint)));
    }

    public async Task<ApiResponse> Get(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var projectId = call.Route("projectId");
        var entity = await recorder.ReadRepairedAsync(portfolioId, projectId, call.Aborted);
        return ApiResponse.Ok(entity.ToApi(), entity.ETag.ToString());
    }

    public async Task<ApiResponse> Patch(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var projectId = call.Route("projectId");
        var patch = await call.ReadMergePatchAsync(Patchable);
        var entity = await projects.GetAsync(portfolioId, projectId, call.Aborted);
        var changed = entity.ToRequest();
        patch.Set<string>("name", v => changed = changed with { Name = v })
            .Set<Category?>("category", v => changed = changed with { Category = v })
            .Set<string>("owner", v => changed = changed with { Owner = v })
            .Set<DateOnly?>("startDate", v => changed = changed with { StartDate = v })
            .Set<DateOnly?>("targetDate", v => changed = changed with { TargetDate = v })
            .Set<bool?>("customerEngagement", v => changed = changed with { CustomerEngagement = v ?? false })
            .Set<string>("customerKpi", v => changed = changed with { CustomerKpi = v })
            .Set<string>("financialMeasure", v => changed = changed with { FinancialMeasure = v });
        call.Validate(changed, patch);
        entity.ApplyDescriptive(changed, time.GetUtcNow());
        var ifMatch = call.RequireMatch(entity.ETag, $"Project '{projectId}'");
        entity = await projects.ReplaceAsync(entity, ifMatch, call.Aborted);
        return ApiResponse.Ok(entity.ToApi(), entity.ETag.ToString());
    }

    public async Task<ApiResponse> Delete(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var projectId = call.Route("projectId");
        var entity = await projects.GetAsync(portfolioId, projectId, call.Aborted);
        var ifMatch = call.RequireMatch(entity.ETag, $"Project '{projectId}'");
        await projects.DeleteAsync(portfolioId, projectId, ifMatch, call.Aborted);
        await updates.DeleteAllAsync(portfolioId, projectId, call.Aborted);
        return ApiResponse.NoContent();
    }

    internal static ProjectEntity NewEntity(string portfolioId, CreateProjectRequest body, string generatedId, DateTimeOffset now)
    {
        var status = TrackerJson.Name(body.Status ?? ProjectStatus.Active);
        var priority = TrackerJson.Name(body.Priority ?? Priority.Medium);
        var budget = (double)(body.Budget ?? 0);
        var spend = (double)(body.Spend ?? 0);
        var percent = (double)(body.PercentComplete ?? 0);
        var entity = new ProjectEntity
        {
            PartitionKey = portfolioId,
            RowKey = body.Id ?? generatedId,
            Name = body.Name!,
            Category = TrackerJson.Name(body.Category!.Value),
            Owner = body.Owner,
            StartDate = ProjectEntity.StoreDate(body.StartDate!.Value),
            TargetDate = body.TargetDate is { } target ? ProjectEntity.StoreDate(target) : null,
            CustomerEngagement = body.CustomerEngagement ?? false,
            CustomerKpi = body.CustomerKpi,
            FinancialMeasure = body.FinancialMeasure,
            Status = status,
            Priority = priority,
            Budget = budget,
            Spend = spend,
            PercentComplete = percent,
            InitialStatus = status,
            InitialPriority = priority,
            InitialBudget = budget,
            InitialSpend = spend,
            InitialPercentComplete = percent,
            CreatedAt = now,
            UpdatedAt = now,
        };
        entity.KeepFacts([]);
        return entity;
    }
}
