using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Tracker.Jobs;
using Tracker.Portfolios;

namespace Tracker.Metrics;

/// <summary>
/// BuildHistories: the backfill of compact histories (<see cref="ProjectHistories"/>). One queue message per
/// portfolio, like the other jobs; each builds the compact history of every project that has none (projects stored
/// before compact histories existed) and repairs those a crashed write left behind. Idempotent — a project that has
/// one is not touched — and resumable: a run stopped anywhere leaves the rest to the next. It runs daily an hour
/// before ComputeMetrics (one small query per portfolio when there is nothing to do), and can be run now with
/// <c>POST /api/jobs/BuildHistories:run</c> after an upgrade. Until it has run, readers read the Updates partition of a
/// project without one: a missing compact history is never read as "no updates".
/// </summary>
public sealed partial class BuildHistoriesJob(PortfolioStore portfolios, ProjectHistories histories, ILogger<BuildHistoriesJob> logger) : IJob
{
    public const string JobName = "BuildHistories";
    public const string QueueName = "build-histories";

    public string Name => JobName;

    public string ScheduleSetting => "HistorySchedule";

    public string DefaultSchedule => "0 0 1 * * *";

    public string Queue => QueueName;

    public async IAsyncEnumerable<PlannedWork> PlanAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var portfolio in portfolios.EveryAsync(ct))
        {
            yield return new PlannedWork(portfolio.RowKey, []);
        }
    }

    public async Task<JobCounts> ProcessAsync(PortfolioWork work, CancellationToken ct)
    {
        if (await portfolios.FindAsync(work.PortfolioId, ct) is null)
        {
            return new JobCounts(1, 0, 0);
        }
        var built = await histories.BuildMissingAsync(work.PortfolioId, ct);
        LogBuilt(work.PortfolioId, built);
        return new JobCounts(1, 0, 0, Histories: built);
    }

    [LoggerMessage(LogLevel.Information, "Compact histories of {PortfolioId}: {BuiltCount} built or repaired")]
    private partial void LogBuilt(string portfolioId, int builtCount);
}
