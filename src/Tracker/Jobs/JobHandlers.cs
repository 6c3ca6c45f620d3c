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
            return ApiResponse.Ok(new Page<JobRun>([.. items.Select(r => r.ToApi())], await call.NextTokenAsync(token, fingerprint)));
        }
        var limit = (await call.PagingAsync("jobs")).Limit;
        var all = new List<JobRun>();
        foreach (var job in runner.Jobs)
        {
            all.AddRange((await runs.ListAsync(job.Name, limit, null, call.Aborted)).Items.Select(r => r.ToApi()));
        }
        return ApiResponse.Ok(new Page<JobRun>([.. all.OrderByDescending(r => r.StartedAt).Take(limit)], null));
    }

    /// <summary>Runs a job now and answers with the recorded run; 409 while another instance runs it.</summary>
    public async Task<ApiResponse> Run(Call call)
    {
        var name = call.Route("name");
        var job = Find(name);
        var run = await runner.RunAsync(job, "manual", null, call.Aborted)
            ?? throw Problems.Conflict($"Job {job.Name} is running on another instance; try again when it has finished.");
        return ApiResponse.Ok(run);
    }

    private IJob Find(string name) =>
        runner.Find(name) ?? throw Problems.NotFound($"There is no job '{name}'. Jobs: {string.Join(", ", runner.Jobs.Select(j => j.Name))}.");
}
