using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tracker.Mail;

namespace Tracker.Tests.Unit;

/// <summary>Each purpose of mail has its own sender address; Smtp:From keeps meaning the digests' sender.</summary>
public sealed class MailSenderTests
{
    [Fact]
    public void EachPurposeHasItsOwnConfigurableSender()
    {
        Assert.Equal(("digests@transformation-tracker.local", "update-requests@transformation-tracker.local"), Senders(new MailOptions(), new SmtpOptions()));
        Assert.Equal(("pmo@contoso.example", "update-requests@transformation-tracker.local"), Senders(new MailOptions(), new SmtpOptions { From = "pmo@contoso.example" }));
        Assert.Equal(("news@contoso.example", "progress@contoso.example"),
            Senders(new MailOptions { DigestsFrom = "news@contoso.example", UpdateRequestsFrom = "progress@contoso.example" }, new SmtpOptions { From = "pmo@contoso.example" }));
    }

    private static (string Digest, string UpdateRequest) Senders(MailOptions mail, SmtpOptions smtp)
    {
        var delivery = new MailDelivery(new OutboxTransport(Options.Create(mail)), Options.Create(mail), Options.Create(smtp), new FakeTimeProvider());
        return (delivery.From(MailPurpose.Digest), delivery.From(MailPurpose.UpdateRequest));
    }
}
