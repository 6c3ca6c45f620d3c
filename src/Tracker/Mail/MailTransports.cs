using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Tracker.Mail;

/// <summary>
/// A way to hand a mail over (an SMTP relay, a folder of .eml files; Azure Communication Services or Graph would be
/// others). A failure is a <see cref="MailTransportException"/> that says itself whether it is worth retrying.
/// </summary>
public interface IMailTransport
{
    bool IsConfigured { get; }

    Task SendAsync(OutgoingMail mail, string from, CancellationToken ct);
}

/// <summary>A mail not handed over: for good (a bad address, a 5xx) or for now (the relay unreachable, a 4xx).</summary>
public sealed class MailTransportException(string message, bool permanent, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
}

/// <summary>Sends through the SMTP relay of the <c>Smtp</c> section with MailKit.</summary>
public sealed class SmtpTransport(IOptions<SmtpOptions> options) : IMailTransport
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Host);

    public async Task SendAsync(OutgoingMail mail, string from, CancellationToken ct)
    {
        var message = MimeMail.Build(mail, from);
        var o = options.Value;
        try
        {
            using var client = new SmtpClient();
            await client.ConnectAsync(o.Host!, o.Port, o.Security, ct);
            if (!string.IsNullOrEmpty(o.User))
            {
                await client.AuthenticateAsync(o.User, o.Password ?? "", ct);
            }
            await client.SendAsync(message, ct);
            await client.DisconnectAsync(true, ct);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            throw new MailTransportException($"SMTP {(int)e.StatusCode}: {e.Message}", permanent: true, e);
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException or SocketException or IOException or TimeoutException)
        {
            throw new MailTransportException(e.GetType().Name + ": " + e.Message, permanent: false, e);
        }
    }
}

/// <summary>Writes each mail as an .eml file to <c>Mail:OutboxPath</c> (the run command's default): nothing leaves the machine.</summary>
public sealed class OutboxTransport(IOptions<MailOptions> options) : IMailTransport
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.OutboxPath);

    public async Task SendAsync(OutgoingMail mail, string from, CancellationToken ct)
    {
        var message = MimeMail.Build(mail, from);
        var folder = options.Value.OutboxPath!;
        Directory.CreateDirectory(folder);
        var name = string.Concat(mail.MessageId.Where(char.IsLetterOrDigit)) + ".eml";
        await message.WriteToAsync(Path.Combine(folder, name), ct);
    }
}

/// <summary>The outbox when Mail:OutboxPath is set, the SMTP relay otherwise.</summary>
public sealed class OutboxOrSmtpTransport(OutboxTransport outbox, SmtpTransport smtp) : IMailTransport
{
    private IMailTransport Active => outbox.IsConfigured ? outbox : smtp;

    public bool IsConfigured => Active.IsConfigured;

    public Task SendAsync(OutgoingMail mail, string from, CancellationToken ct) => Active.SendAsync(mail, from, ct);
}

/// <summary>An <see cref="OutgoingMail"/> as a MIME message: text and HTML alternatives, inline images, unsubscribe headers.</summary>
public static class MimeMail
{
    public static MimeMessage Build(OutgoingMail mail, string from)
    {
        try
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(from));
            message.To.Add(MailboxAddress.Parse(mail.To));
            if (mail.Cc is not null)
            {
                message.Cc.Add(MailboxAddress.Parse(mail.Cc));
            }
            message.Subject = mail.Subject;
            message.MessageId = mail.MessageId;
            if (mail.UnsubscribeUrl is not null)
            {
                message.Headers.Add("List-Unsubscribe", $"<{mail.UnsubscribeUrl}>");
                message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            }
            var body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html };
            foreach (var image in mail.Images)
            {
                body.LinkedResources.Add(image.FileName, image.Content, ContentType.Parse(image.MediaType)).ContentId = image.ContentId;
            }
            message.Body = body.ToMessageBody();
            return message;
        }
        catch (ParseException e)
        {
            throw new MailTransportException("Invalid address: " + e.Message, permanent: true, e);
        }
    }
}
