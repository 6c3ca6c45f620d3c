using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace Tracker.Mail;

/// <summary>The <c>Smtp</c> section: the relay every mail goes through when no outbox folder is set.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>None, StartTls, SslOnConnect or Auto.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The digests' sender when <see cref="MailOptions.DigestsFrom"/> is not set (what this setting has always meant).</summary>
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

/// <summary>The <c>Mail</c> section: the outbox folder, each purpose's sender address, retries and claims.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>With this set, mails are written here as .eml files instead of sent.</summary>
    public string? OutboxPath { get; set; }

    /// <summary>The sender of digests; <c>Smtp:From</c>, else <see cref="DefaultDigestsFrom"/>, when not set.</summary>
    [EmailAddress]
    public string? DigestsFrom { get; set; }

    /// <summary>The sender of update requests (owners reply to the PMO, not to the digest robot); <see cref="DefaultUpdateRequestsFrom"/> when not set.</summary>
    [EmailAddress]
    public string? UpdateRequestsFrom { get; set; }

    /// <summary>First wait before retrying a transient failure; doubled each time, three attempts in all.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a mail may stay claimed but unconfirmed (a run that died between claiming and sending, or between
    /// sending and confirming) before a later run sends it again, with the same Message-ID.
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public const string DefaultDigestsFrom = "digests@transformation-tracker.local";
    public const string DefaultUpdateRequestsFrom = "update-requests@transformation-tracker.local";

    public static void TreatEmptyAsUnset(MailOptions o)
    {
        o.OutboxPath = string.IsNullOrWhiteSpace(o.OutboxPath) ? null : o.OutboxPath;
        o.DigestsFrom = string.IsNullOrWhiteSpace(o.DigestsFrom) ? null : o.DigestsFrom;
        o.UpdateRequestsFrom = string.IsNullOrWhiteSpace(o.UpdateRequestsFrom) ? null : o.UpdateRequestsFrom;
    }
}
