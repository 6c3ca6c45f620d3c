using Microsoft.AspNetCore.Http;
using Tracker.Api;

namespace Tracker.Jobs;

public sealed class JobHandlers(JobRunner runner, JobRunStore runs)
{
    /// <summary>Run history, newest first: of one job with <c>?job=</c> (paged), else the newest runs of every job.</summary>
    public async Task<ApiResponse> List(Call call)
    {
        var name = call.Request.Query["job"].ToString();
        if (name.Length > 0)
        {
            var job = Find(name);
            var fingerprint = Paging.Fingerprint("jobs", job.Name);
            var paging = await call.PagingAsync(fingerprint);
            var (items, token) = await runs.ListAsync(job.Name, paging.Limit, paging.StorageToken, call.Aborted);
            return ApiResponse.Ok(new Page<JobRun>(await DescribeAsync(items, call.Aborted), await call.NextTokenAsync(token, fingerprint)));
        }
        var limit = (await call.PagingAsync("jobs")).Limit;
        var all = new List<JobRunEntity>();
        foreach (var job in runner.Jobs)
        {
            all.AddRange((await runs.ListAsync(job.Name, limit, null, call.Aborted)).Items);
        }
        return ApiResponse.Ok(new Page<JobRun>(await DescribeAsync([.. all.OrderByDescending(r => r.StartedAt).Take(limit)], call.Aborted), null));
    }

    /// <summary>
    /// Starts a run now: one message per portfolio on the job's queue. Answers 202 with the run as enqueued; GET /api/jobs
    /// shows it progress. 409 while another instance is enqueuing a run of the job.
    /// </summary>
    public async Task<ApiResponse> Run(Call call)
    {
        var name = call.Route("name");
        var job = Find(name);
        var run = await runner.EnqueueAsync(job, "manual", null, call.Aborted)
            ?? throw Problems.Conflict($"Job {job.Name} is being enqueued by another instance; try again in a minute.");
        return ApiResponse.Of(202, run) with { Location = $"/{Routes.Prefix}/{Routes.Jobs}?job={Uri.EscapeDataString(job.Name)}" };
    }

    private async Task<IReadOnlyList<JobRun>> DescribeAsync(IReadOnlyList<JobRunEntity> items, CancellationToken ct)
    {
        var described = new List<JobRun>(items.Count);
        foreach (var run in items)
        {
            described.Add(await runner.DescribeAsync(run, ct));
        }
        return described;
    }

    private IJob Find(string name) =>
        runner.Find(name) ?? throw Problems.NotFound($"There is no job '{name}'. Jobs: {string.Join(", ", runner.Jobs.Select(j => j.Name))}.");
}
