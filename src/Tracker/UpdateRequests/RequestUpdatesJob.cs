using System.Runtime.CompilerServices;
using Tracker.Jobs;
using Tracker.Mail;
using Tracker.Portfolios;

namespace Tracker.UpdateRequests;

/// <summary>
/// RequestUpdates: every hour, one queue message per portfolio with update requests enabled; each sends that
/// portfolio's requests of the current period once its send time has come (within 12 hours), once per owner and period.
/// </summary>
public sealed class RequestUpdatesJob(PortfolioStore portfolios, UpdateRequestService requests, MailDelivery mail) : IJob
{
    public const string JobName = "RequestUpdates";
    public const string QueueName = "request-updates";

    public string Name => JobName;

    public string ScheduleSetting => "UpdateRequestSchedule";

    public string DefaultSchedule => "0 0 * * * *";

    public string Queue => QueueName;

    public async IAsyncEnumerable<PlannedWork> PlanAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (!mail.IsConfigured)
        {
            yield break;
        }
        await foreach (var portfolio in portfolios.EveryAsync(ct))
        {
            if (portfolio.RequestSettings is { Enabled: true })
            {
                yield return new PlannedWork(portfolio.RowKey, []);
            }
        }
    }

    public async Task<JobCounts> ProcessAsync(PortfolioWork work, CancellationToken ct)
    {
        if (await portfolios.FindAsync(work.PortfolioId, ct) is not { } portfolio)
        {
            return new JobCounts(1, 0, 0);
        }
        var outcome = await requests.SendAsync(portfolio, anyTime: false, null, ct);
        return new JobCounts(1, 0, 0, outcome.Sent, outcome.Failed, outcome.Resent);
    }
}
