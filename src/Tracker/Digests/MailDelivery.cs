using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Tracker.Digests;

/// <summary>Why a mail was not sent: for good (a bad address, a 5xx) or for now (the relay unreachable after the retries).</summary>
public sealed record MailFailure(bool Permanent, string Error);

/// <summary>
/// Sends one mail with the retries every mail of the tracker gets: transient SMTP and network failures are retried
/// three times with back-off (Mail:RetryDelay, doubled), a 5xx or an unparsable address fails at once.
/// </summary>
public sealed class MailDelivery(IMailSender mail, IOptions<MailOptions> options, TimeProvider time)
{
    /// <returns>null when sent.</returns>
    public async Task<MailFailure?> SendAsync(Func<MimeMessage> build, CancellationToken ct)
    {
        MimeMessage message;
        try
        {
            message = build();
        }
        catch (ParseException e)
        {
            return new MailFailure(true, "Invalid address: " + e.Message);
        }
        var delay = options.Value.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await mail.SendAsync(message, ct);
                return null;
            }
            catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
            {
                return new MailFailure(true, $"SMTP {(int)e.StatusCode}: {e.Message}");
            }
            catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException or SocketException or IOException or TimeoutException)
            {
                if (attempt == 3)
                {
                    return new MailFailure(false, e.GetType().Name + ": " + e.Message);
                }
                await Task.Delay(delay * (1 << (attempt - 1)), time, ct);
            }
        }
    }
}
