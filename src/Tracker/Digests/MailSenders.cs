using System.ComponentModel.DataAnnotations;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Tracker.Digests;

/// <summary>The <c>Smtp</c> section: the relay digests go through.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>MailKit's SecureSocketOptions: None, StartTls, SslOnConnect, Auto.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    public string? User { get; set; }

    public string? Password { get; set; }

    [EmailAddress]
    public string? From { get; set; }

    /// <summary>Azure writes every app setting, unused ones empty (infra/app.bicep): an empty value means not set.</summary>
    public static void TreatEmptyAsUnset(SmtpOptions o)
    {
        o.Host = string.IsNullOrWhiteSpace(o.Host) ? null : o.Host;
        o.User = string.IsNullOrWhiteSpace(o.User) ? null : o.User;
        o.Password = string.IsNullOrEmpty(o.Password) ? null : o.Password;
        o.From = string.IsNullOrWhiteSpace(o.From) ? null : o.From;
    }
}

/// <summary>The <c>Mail</c> section: with OutboxPath set, digests are written there as .eml files instead of sent.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    public string? OutboxPath { get; set; }

    /// <summary>First wait before retrying a transient SMTP failure; doubled each time, three attempts in all.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a digest may stay claimed but unconfirmed (a run that died between claiming and sending, or between
    /// sending and confirming) before a later run sends it again, with the same Message-ID.
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>Where digests go: an SMTP relay, or a folder of .eml files.</summary>
public interface IMailSender
{
    bool IsConfigured { get; }

    string From { get; }

    Task SendAsync(MimeMessage message, CancellationToken ct);
}

public sealed class SmtpMailSender(IOptions<SmtpOptions> options) : IMailSender
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Host);

    public string From => options.Value.From ?? "digests@transformation-tracker.local";

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        var o = options.Value;
        using var client = new SmtpClient();
        await client.ConnectAsync(o.Host!, o.Port, o.Security, ct);
        if (!string.IsNullOrEmpty(o.User))
        {
            await client.AuthenticateAsync(o.User, o.Password ?? "", ct);
        }
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}

public sealed class FileOutboxSender(IOptions<MailOptions> options) : IMailSender
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.OutboxPath);

    public string From => "digests@transformation-tracker.local";

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        var folder = options.Value.OutboxPath!;
        Directory.CreateDirectory(folder);
        var name = string.Concat((message.MessageId ?? Guid.NewGuid().ToString()).Where(char.IsLetterOrDigit)) + ".eml";
        await message.WriteToAsync(Path.Combine(folder, name), ct);
    }
}

/// <summary>The outbox when Mail:OutboxPath is set (the run command's default), SMTP otherwise.</summary>
public sealed class MailSender(FileOutboxSender outbox, SmtpMailSender smtp) : IMailSender
{
    private IMailSender Active => outbox.IsConfigured ? outbox : smtp;

    public bool IsConfigured => Active.IsConfigured;

    public string From => Active.From;

    public Task SendAsync(MimeMessage message, CancellationToken ct) => Active.SendAsync(message, ct);
}
