namespace Tracker.Mail;

/// <summary>What a mail is for; each purpose has its own sender address (<see cref="MailOptions"/>).</summary>
public enum MailPurpose
{
    Digest,
    UpdateRequest,
}

/// <summary>An image the HTML body shows inline (<c>cid:</c>).</summary>
public sealed record MailImage(string ContentId, string FileName, string MediaType, byte[] Content);

/// <summary>
/// A mail as the features compose it, free of any transport's types: the transport turns it into its own message.
/// <paramref name="MessageId"/> is kept when a mail is sent again, so that a rare duplicate is recognisable.
/// </summary>
public sealed record OutgoingMail(MailPurpose Purpose, string To, string Subject, string MessageId, string Text, string Html)
{
    public string? Cc { get; init; }

    /// <summary>The one-click unsubscribe link (RFC 8058): sent as List-Unsubscribe with List-Unsubscribe-Post.</summary>
    public string? UnsubscribeUrl { get; init; }

    public IReadOnlyList<MailImage> Images { get; init; } = [];
}
