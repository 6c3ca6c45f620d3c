using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracker.Common;
using Tracker.Jobs;
using Tracker.Mail;
using Tracker.Portfolios;
using Tracker.Schedules;

namespace Tracker.Digests;

/// <summary>
/// SendDigests: every hour, one queue message per portfolio; each active subscription whose local send time has come (within 12 hours, and after it
/// subscribed) gets its portfolio's digest, once per period. The DigestLog row is claimed before sending and marked
/// sent after: a second run finds the claim and sends nothing. A claim never confirmed within Mail:ClaimTimeout (the
/// run died around the send) is taken over by a later run and sent again with the same Message-ID, counted as resent
/// in the run history: a digest is never lost silently, and a rare duplicate is recognisable.
/// Transient SMTP failures are retried with backoff, then released for the next run; a permanent failure is recorded
/// and the other recipients still get theirs.
/// </summary>
public sealed partial class SendDigestsJob(
    PortfolioStore portfolios, SubscriptionStore subscriptions, DigestService digests, MailDelivery delivery, DigestLogStore log,
    IOptions<MailOptions> mailOptions, TimeProvider time, ILogger<SendDigestsJob> logger) : IJob
{
    public const string JobName = "SendDigests";
    public const string QueueName = "send-digests";
    public static readonly TimeSpan MaxLateness = TimeSpan.FromHours(12);

    public string Name => JobName;

    public string ScheduleSetting => "DigestSchedule";

    public string DefaultSchedule => "0 0 * * * *";

    public string Queue => QueueName;

    /// <summary>Every portfolio (each looks at its own subscriptions); none when no mail transport is configured.</summary>
    public async IAsyncEnumerable<PlannedWork> PlanAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (!delivery.IsConfigured)
        {
            LogNoMail();
            yield break;
        }
        await foreach (var portfolio in portfolios.EveryAsync(ct))
        {
            yield return new PlannedWork(portfolio.RowKey, []);
        }
    }

    /// <summary>Sends the digests of the message's portfolio that are due now and not yet sent in their period.</summary>
    public async Task<JobCounts> ProcessAsync(PortfolioWork work, CancellationToken ct)
    {
        var portfolio = await portfolios.FindAsync(work.PortfolioId, ct);
        if (portfolio is null || !delivery.IsConfigured)
        {
            return new JobCounts(1, 0, 0);
        }
        var (sent, failed, resent) = await SendPortfolioAsync(portfolio, ct);
        return new JobCounts(1, 0, 0, sent, failed, resent);
    }

    public static bool IsDue(SubscriptionEntity subscription, SendPeriod period, DateTimeOffset now) =>
        subscription.Active && period.SendAt >= subscription.CreatedAt && now - period.SendAt < MaxLateness;

    private async Task<(int Sent, int Failed, int Resent)> SendPortfolioAsync(PortfolioEntity portfolio, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = (await subscriptions.ActiveAsync(portfolio.RowKey, ct))
            .Select(s => (Subscription: s, Period: DigestPeriod.Current(s, now))).Where(d => IsDue(d.Subscription, d.Period, now)).ToList();
        if (due.Count == 0)
        {
            return (0, 0, 0);
        }
        DigestService.Source? source = null;
        var prepared = new Dictionary<Cadence, DigestService.Prepared>();
        int sent = 0, failed = 0, resent = 0;
        foreach (var (subscription, period) in due)
        {
            var claim = new DigestLogEntity
            {
                PartitionKey = DigestLogStore.Partition(portfolio.RowKey),
                RowKey = DigestLogStore.RowKey(period.Key, subscription.RowKey),
                SubscriptionId = subscription.RowKey,
                Period = period.Key,
                ClaimedAt = now,
                MessageId = $"digest.{portfolio.RowKey}.{subscription.RowKey}.{period.Key}@transformation-tracker",
            };
            var again = false;
            if (!await log.TryClaimAsync(claim, ct))
            {
                // Sent or failed for good: never again. Claimed by a run that is still sending: leave it. Claimed long
                // ago and never confirmed: that run died around the send — take the claim over and send again, with the
                // same Message-ID so a rare duplicate is recognisable as one.
                if (!await TakeOverStaleClaimAsync(claim, now, ct))
                {
                    continue;
                }
                again = true;
            }
            source ??= await digests.LoadAsync(portfolio, ct);
            var cadence = TrackerJson.Parse<Cadence>(subscription.Cadence) ?? Cadence.Weekly;
            var unsubscribe = await digests.UnsubscribeUrlAsync(portfolio.RowKey, subscription.RowKey, null, ct);
            if (!prepared.TryGetValue(cadence, out var digest))
            {
                prepared[cadence] = digest = await digests.PrepareAsync(source, cadence, ct); // metrics and chart once per cadence
            }
            var outcome = await delivery.SendAsync(DigestService.Mail(digest.For(unsubscribe), subscription.Email, unsubscribe, claim.MessageId!), ct);
            await MailClaims.SettleAsync(log, claim, outcome, time.GetUtcNow());
            if (outcome is null)
            {
                sent++;
                if (again)
                {
                    resent++;
                    LogResent(portfolio.RowKey, subscription.RowKey, period.Key, claim.MessageId!);
                }
                else
                {
                    LogSent(portfolio.RowKey, subscription.RowKey, period.Key);
                }
            }
            else
            {
                failed++;
                if (outcome.Permanent)
                {
                    LogFailed(portfolio.RowKey, subscription.RowKey, outcome.Error);
                }
                else
                {
                    LogDeferred(portfolio.RowKey, subscription.RowKey, outcome.Error);
                }
            }
        }
        return (sent, failed, resent);
    }

    /// <summary>Takes over a claim left "sending" for longer than Mail:ClaimTimeout; false when it isn't stale or another run won.</summary>
    private async Task<bool> TakeOverStaleClaimAsync(DigestLogEntity claim, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await log.FindAsync(claim.PartitionKey, claim.Period, claim.SubscriptionId, ct);
        if (existing is null || !MailClaims.IsStale(existing, now, mailOptions.Value.ClaimTimeout))
        {
            return false;
        }
        claim.MessageId = existing.MessageId ?? claim.MessageId;
        claim.Error = $"claimed {existing.ClaimedAt:O} and never confirmed sent; sent again";
        return await log.TryTakeOverAsync(claim, existing.ETag, ct);
    }

    [LoggerMessage(LogLevel.Information, "No mail transport configured (Smtp:Host or Mail:OutboxPath); digests not sent")]
    private partial void LogNoMail();

    [LoggerMessage(LogLevel.Information, "Digest of {PortfolioId} sent for subscription {SubscriptionId}, period {Period}")]
    private partial void LogSent(string portfolioId, string subscriptionId, string period);

    [LoggerMessage(LogLevel.Warning, "Digest of {PortfolioId} for subscription {SubscriptionId}, period {Period} was claimed but never confirmed sent; sent again as {MessageId}")]
    private partial void LogResent(string portfolioId, string subscriptionId, string period, string messageId);

    [LoggerMessage(LogLevel.Warning, "Digest of {PortfolioId} for subscription {SubscriptionId} failed for good: {Error}")]
    private partial void LogFailed(string portfolioId, string subscriptionId, string error);

    [LoggerMessage(LogLevel.Warning, "Digest of {PortfolioId} for subscription {SubscriptionId} deferred to the next run: {Error}")]
    private partial void LogDeferred(string portfolioId, string subscriptionId, string error);
}
