using Microsoft.Extensions.Options;

namespace Tracker.Mail;

/// <summary>Why a mail was not sent: for good (a bad address, a 5xx) or for now (the relay unreachable after the retries).</summary>
public sealed record MailFailure(bool Permanent, string Error);

/// <summary>
/// Sends one mail from its purpose's sender address, with the retries every mail of the tracker gets: a failure the
/// transport calls transient is retried three times with back-off (Mail:RetryDelay, doubled); a permanent one fails at once.
/// </summary>
public sealed class MailDelivery(IMailTransport transport, IOptions<MailOptions> options, IOptions<SmtpOptions> smtp, TimeProvider time)
{
    /// <summary>Whether any transport is set (Smtp:Host or Mail:OutboxPath): without one, nothing is sent or claimed.</summary>
    public bool IsConfigured => transport.IsConfigured;

    /// <summary>The sender address of a purpose.</summary>
    public string From(MailPurpose purpose) => purpose switch
    {
        MailPurpose.Digest => options.Value.DigestsFrom ?? smtp.Value.From ?? MailOptions.DefaultDigestsFrom,
        _ => options.Value.UpdateRequestsFrom ?? MailOptions.DefaultUpdateRequestsFrom,
    };

    /// <returns>null when sent.</returns>
    public async Task<MailFailure?> SendAsync(OutgoingMail mail, CancellationToken ct)
    {
        var delay = options.Value.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await transport.SendAsync(mail, From(mail.Purpose), ct);
                return null;
            }
            catch (MailTransportException e) when (e.Permanent)
            {
                return new MailFailure(true, e.Message);
            }
            catch (MailTransportException e)
            {
                if (attempt == 3)
                {
                    return new MailFailure(false, e.Message);
                }
                await Task.Delay(delay * (1 << (attempt - 1)), time, ct);
            }
        }
    }
}

/// <summary>A mail's claim row (DigestLog, UpdateRequests): claimed before sending, then marked sent or failed, or released.</summary>
public interface IMailClaim
{
    /// <summary>sending (claimed), sent, or failed (permanently).</summary>
    string State { get; set; }

    DateTimeOffset ClaimedAt { get; }

    DateTimeOffset? SentAt { get; set; }

    string? Error { get; set; }
}

/// <summary>The store of a kind of mail claim (DigestLog, UpdateRequests).</summary>
public interface IMailClaimLog<in TClaim>
    where TClaim : IMailClaim
{
    /// <summary>Writes the claim's outcome (sent, or failed for good).</summary>
    Task MarkAsync(TClaim claim, CancellationToken ct);

    /// <summary>Removes the claim, so that the mail is claimed and sent again.</summary>
    Task ReleaseAsync(TClaim claim, CancellationToken ct);
}

/// <summary>The rules of a mail claim, the same for digests and update requests.</summary>
public static class MailClaims
{
    /// <summary>Whether a claim found in place may be taken over: still sending after the timeout, so its run died around the send.</summary>
    public static bool IsStale(IMailClaim existing, DateTimeOffset now, TimeSpan timeout) =>
        existing.State == "sending" && now - existing.ClaimedAt >= timeout;

    /// <summary>
    /// Records a send's outcome: the claim is marked sent, or failed for good; after a transient failure (still failing
    /// after the retries) it is released, so that the next run tries again.
    /// </summary>
    public static Task SettleAsync<TClaim>(IMailClaimLog<TClaim> log, TClaim claim, MailFailure? failure, DateTimeOffset now)
        where TClaim : IMailClaim
    {
        switch (failure)
        {
            case null:
                claim.State = "sent";
                claim.SentAt = now;
                return log.MarkAsync(claim, CancellationToken.None);
            case { Permanent: true }:
                claim.State = "failed";
                claim.Error = failure.Error;
                return log.MarkAsync(claim, CancellationToken.None);
            default:
                return log.ReleaseAsync(claim, CancellationToken.None);
        }
    }
}
