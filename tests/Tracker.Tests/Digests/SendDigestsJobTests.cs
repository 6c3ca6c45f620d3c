using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using Tracker.Digests;
using Tracker.Jobs;
using Tracker.Mail;
using Tracker.Portfolios;
using Tracker.Testing;
using Tracker.Tests.Jobs;
using static Tracker.Tests.Unit.MetricsEngineTests;

namespace Tracker.Tests.Digests;

/// <summary>The SendDigests job against a real SMTP server (maildev) and a real Azurite, with a fake clock.</summary>
public sealed class SendDigestsJobTests
{
    // Monday 2 March 2026, 07:30 UTC = 08:30 in Amsterdam.
    private static readonly DateTimeOffset MondayMorning = new(2026, 3, 2, 7, 30, 0, TimeSpan.Zero);

    private sealed class World : IAsyncDisposable
    {
        public required Azurite Azurite { get; init; }

        public required Maildev Mail { get; init; }

        public required JobHost Host { get; init; }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Mail.DisposeAsync();
            await Azurite.DisposeAsync();
        }
    }

    private static async Task<World> StartAsync(DateTimeOffset now, Action<IServiceCollection>? services = null, int maxDequeueCount = 5)
    {
        var azurite = await Azurite.StartAsync();
        var mail = await Maildev.StartAsync();
        var host = await JobHost.StartAsync(azurite.ConnectionString, now, settings: new Dictionary<string, string?>
        {
            ["Jobs:Queues:MaxDequeueCount"] = maxDequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
            ["Smtp:From"] = "digests@example.com",
            ["Mail:RetryDelay"] = "00:00:00.050",
            ["Tracker:PublicBaseUrl"] = "https://tracker.example.com",
        }, services: services);
        await host.AddPortfolioAsync("p-emea");
        await host.AddProjectAsync("p-emea", Project(id: "alpha", priority: Priority.High, customer: true, updates: [U("2026-02-20T00:00:00", percent: 20)]));
        await host.AddProjectAsync("p-emea", Project(id: "beta", category: Category.Crm, target: "2026-02-01", updates: [U("2026-02-25T00:00:00", percent: 30)]));
        return new World { Azurite = azurite, Mail = mail, Host = host };
    }

    private static async Task<string> SubscribeAsync(World world, string email, string cadence, string? weekday, string time, string zone = "Europe/Amsterdam")
    {
        var id = "s-" + email.Split('@')[0];
        await world.Host.Get<SubscriptionStore>().AddAsync(new SubscriptionEntity
        {
            PartitionKey = "p-emea",
            RowKey = id,
            Email = email,
            Cadence = cadence,
            Weekday = weekday,
            SendTime = time,
            TimeZone = zone,
            CreatedAt = world.Host.Time.GetUtcNow().AddDays(-30),
        }, default);
        return id;
    }

    private static Task<JobRun?> RunAsync(World world) => world.Host.RunJobAsync(world.Host.Get<SendDigestsJob>());

    private static async Task<List<string>> RecipientsAsync(World world) =>
        [.. (await world.Mail.EmailsAsync()).SelectMany(Maildev.Recipients).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task OnlyDueSubscribersGetTheirDigest()
    {
        await using var world = await StartAsync(MondayMorning);
        await SubscribeAsync(world, "monday@example.com", "weekly", "monday", "08:00");        // due 07:00Z today
        await SubscribeAsync(world, "tuesday@example.com", "weekly", "tuesday", "08:00");      // last Tuesday: long past
        await SubscribeAsync(world, "nine@example.com", "daily", null, "09:00");                     // 08:00Z, not yet
        await SubscribeAsync(world, "newyork@example.com", "daily", null, "08:00", "America/New_York"); // 13:00Z, not yet
        await SubscribeAsync(world, "london@example.com", "daily", null, "07:00", "Europe/London");  // 07:00Z, due

        var run = await RunAsync(world);

        Assert.Equal(JobOutcome.Succeeded, run!.Outcome);
        Assert.Equal(2, run.Counts.Sent);
        Assert.Equal(["london@example.com", "monday@example.com"], await RecipientsAsync(world));
        var email = (await world.Mail.EmailsAsync()).First(e => Maildev.Recipients(e).Contains("monday@example.com"));
        Assert.StartsWith("p-emea: ahead on", email.GetProperty("subject").GetString());
        var message = await world.Mail.SourceAsync(email);
        Assert.StartsWith("<https://tracker.example.com/api/digests/unsubscribe?token=", message.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Contains("cid:rates-chart", message.HtmlBody);
        Assert.Contains("Unsubscribe:", message.TextBody);
        var chart = Assert.Single(message.BodyParts.OfType<MimePart>(), p => p.ContentId == Digest.ChartContentId);
        Assert.Equal("image/png", chart.ContentType.MimeType);
    }

    /// <summary>
    /// At-least-once delivery: the same portfolio's message delivered again is taken, found completed and dropped, and
    /// even worked on a second time (two deliveries at once) it sends no second digest: the DigestLog claim holds.
    /// </summary>
    [Fact]
    public async Task AMessageDeliveredTwiceSendsNoSecondDigest()
    {
        await using var world = await StartAsync(MondayMorning);
        await SubscribeAsync(world, "monday@example.com", "weekly", "monday", "08:00");
        var job = world.Host.Get<SendDigestsJob>();
        var run = (await world.Host.Get<JobRunner>().EnqueueAsync(job, "manual", null, default))!;
        var queue = new Azure.Storage.Queues.QueueClient(world.Azurite.ConnectionString, SendDigestsJob.QueueName,
            new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 });
        var message = (await queue.PeekMessagesAsync(1)).Value.Single();
        Assert.Equal(1, await world.Host.Get<JobQueueConsumer>().DrainAsync(job, default));

        await queue.SendMessageAsync(message.Body);
        Assert.Equal(1, await world.Host.Get<JobQueueConsumer>().DrainAsync(job, default));
        Assert.Equal(0, (await job.ProcessAsync(PortfolioWork.Parse(message.Body)!, default)).Sent);

        Assert.Single(await RecipientsAsync(world));
        var done = (await world.Host.Get<JobRunner>().FindAsync(job.Name, run.Id, default))!;
        Assert.Equal((JobOutcome.Succeeded, 1), (done.Outcome, done.Counts.Sent));
    }

    [Fact]
    public async Task ASecondRunInThePeriodSendsNothingMore()
    {
        await using var world = await StartAsync(MondayMorning);
        await SubscribeAsync(world, "monday@example.com", "weekly", "monday", "08:00");
        await RunAsync(world);
        world.Host.Time.Advance(TimeSpan.FromMinutes(59));
        var second = await RunAsync(world);

        Assert.Equal(0, second!.Counts.Sent);
        Assert.Single(await RecipientsAsync(world));
    }

    /// <summary>
    /// A run that dies between sending and recording can't tell the next run whether the mail left. Within
    /// Mail:ClaimTimeout nothing is sent again; after it the digest goes once more with the same Message-ID (at least
    /// once, never lost; a duplicate is recognisable) and the run history counts it as resent.
    /// </summary>
    [Fact]
    public async Task ACrashBetweenSendingAndRecordingIsResentOnceWithTheSameMessageId()
    {
        var crash = new CrashAfterFirstSend();
        // One attempt per message: the crash ends the run's only attempt (its message goes to the poison queue).
        await using var world = await StartAsync(MondayMorning, services => services.AddSingleton<IMailTransport>(sp =>
        {
            crash.Inner = new SmtpTransport(sp.GetRequiredService<IOptions<SmtpOptions>>());
            return crash;
        }), maxDequeueCount: 1);
        await SubscribeAsync(world, "monday@example.com", "weekly", "monday", "08:00");

        var crashed = await RunAsync(world);
        Assert.Equal(JobOutcome.Failed, crashed!.Outcome);
        Assert.Single(await RecipientsAsync(world)); // the mail went out; recording it did not happen

        world.Host.Time.Advance(TimeSpan.FromMinutes(20));
        var soon = await RunAsync(world);
        Assert.Equal(JobOutcome.Succeeded, soon!.Outcome);
        Assert.Single(await RecipientsAsync(world)); // within the claim timeout: nothing again

        world.Host.Time.Advance(TimeSpan.FromMinutes(40));
        var later = await RunAsync(world);
        Assert.Equal(1, later!.Counts.Resent);
        var mails = await world.Mail.EmailsAsync();
        Assert.Equal(2, mails.Count);
        var ids = new HashSet<string>();
        foreach (var mail in mails)
        {
            ids.Add((await world.Mail.SourceAsync(mail)).MessageId ?? "");
        }
        Assert.Single(ids);

        world.Host.Time.Advance(TimeSpan.FromMinutes(60));
        await RunAsync(world);
        Assert.Equal(2, (await world.Mail.EmailsAsync()).Count); // confirmed now: never a third time
    }

    /// <summary>A run that claimed a digest and died before sending it: a later run sends it, and says so.</summary>
    [Fact]
    public async Task ADigestClaimedButNotSentIsSentByALaterRun()
    {
        await using var world = await StartAsync(MondayMorning);
        var subscription = await SubscribeAsync(world, "monday@example.com", "weekly", "monday", "08:00");
        var period = DigestPeriod.Current((await world.Host.Get<SubscriptionStore>().FindAsync("p-emea", subscription, default))!, MondayMorning);
        await world.Host.Table(DigestLogStore.Name).AddEntityAsync(new DigestLogEntity
        {
            PartitionKey = "p-emea",
            RowKey = DigestLogStore.RowKey(period.Key, subscription),
            SubscriptionId = subscription,
            Period = period.Key,
            ClaimedAt = MondayMorning,
            MessageId = "digest.p-emea.claimed@transformation-tracker",
        });

        var meanwhile = await RunAsync(world);
        Assert.Equal(0, meanwhile!.Counts.Sent);
        Assert.Empty(await RecipientsAsync(world));

        world.Host.Time.Advance(TimeSpan.FromMinutes(31));
        var later = await RunAsync(world);
        Assert.Equal((1, 1), (later!.Counts.Sent, later.Counts.Resent));
        var mail = Assert.Single(await world.Mail.EmailsAsync());
        Assert.Equal("digest.p-emea.claimed@transformation-tracker", (await world.Mail.SourceAsync(mail)).MessageId);
        var log = (await world.Host.Table(DigestLogStore.Name).GetEntityAsync<DigestLogEntity>("p-emea", DigestLogStore.RowKey(period.Key, subscription))).Value;
        Assert.Equal("sent", log.State);
    }

    [Fact]
    public async Task OnTheDaylightSavingDayTheDigestGoesAtLocalSendTime()
    {
        // 2026-03-29 in Amsterdam: 08:00 local is 06:00Z (it was 07:00Z the day before).
        await using var world = await StartAsync(new DateTimeOffset(2026, 3, 29, 5, 30, 0, TimeSpan.Zero));
        await SubscribeAsync(world, "daily@example.com", "daily", null, "08:00");
        await RunAsync(world);
        Assert.Empty(await RecipientsAsync(world)); // 07:30 local

        world.Host.Time.Advance(TimeSpan.FromMinutes(35)); // 06:05Z = 08:05 local
        await RunAsync(world);
        Assert.Equal(["daily@example.com"], await RecipientsAsync(world));
        var log = (await world.Host.Table(DigestLogStore.Name).GetEntityAsync<TableEntity>("p-emea", "2026-03-29|s-daily")).Value;
        Assert.Equal("sent", log.GetString("State"));
    }

    [Fact]
    public async Task UnsubscribingThroughTheMailsLinkStopsFurtherDigests()
    {
        await using var world = await StartAsync(MondayMorning);
        await SubscribeAsync(world, "daily@example.com", "daily", null, "08:00");
        await SubscribeAsync(world, "other@example.com", "daily", null, "08:00");
        await RunAsync(world);
        var email = (await world.Mail.EmailsAsync()).First(e => Maildev.Recipients(e).Contains("daily@example.com"));
        var link = (await world.Mail.SourceAsync(email)).Headers["List-Unsubscribe"]!.Trim('<', '>');
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);

        // A token altered to name the other subscription is refused; the real one unsubscribes (no API key).
        var forged = token[..^2] + (token[^2..] == "AA" ? "BB" : "AA");
        var refused = await PostUnsubscribeAsync(world, forged);
        Assert.Equal(400, refused.Status);
        Assert.Equal(200, (await PostUnsubscribeAsync(world, token)).Status);

        world.Host.Time.Advance(TimeSpan.FromDays(1));
        await RunAsync(world);
        var recipients = await RecipientsAsync(world);
        Assert.Equal(1, recipients.Count(r => r == "daily@example.com"));
        Assert.Equal(2, recipients.Count(r => r == "other@example.com"));
    }

    [Fact]
    public async Task APermanentlyFailingAddressDoesNotStopTheOthers()
    {
        await using var world = await StartAsync(MondayMorning);
        await SubscribeAsync(world, "bad@@example.com", "daily", null, "08:00");
        await SubscribeAsync(world, "good@example.com", "daily", null, "08:00");

        var run = await RunAsync(world);

        Assert.Equal((1, 1), (run!.Counts.Sent, run.Counts.Failed));
        Assert.Equal(["good@example.com"], await RecipientsAsync(world));
        var log = (await world.Host.Table(DigestLogStore.Name).GetEntityAsync<TableEntity>("p-emea", "2026-03-02|s-bad")).Value;
        Assert.Equal("failed", log.GetString("State"));
        // Failed for good: the next run does not try again in the same period.
        world.Host.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await RunAsync(world))!.Counts.Failed);
    }

    [Fact]
    public async Task AnUnreachableRelayIsRetriedThenLeftForTheNextRun()
    {
        await using var world = await StartAsync(MondayMorning);
        await SubscribeAsync(world, "monday@example.com", "weekly", "monday", "08:00");
        // A second instance over the same storage whose relay is down: three attempts, then the claim is released.
        await using var down = await JobHost.StartAsync(world.Azurite.ConnectionString, MondayMorning, settings: new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = Azurite.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
            ["Mail:RetryDelay"] = "00:00:00.020",
        });
        var running = down.RunJobAsync(down.Get<SendDigestsJob>());
        for (var i = 0; i < 500 && !running.IsCompleted; i++)
        {
            down.Time.Advance(TimeSpan.FromMilliseconds(50)); // the back-off waits on the (fake) clock
            await Task.Delay(20);
        }
        var failed = await running;
        Assert.Equal((0, 1), (failed!.Counts.Sent, failed.Counts.Failed));
        var released = await world.Host.Table(DigestLogStore.Name).GetEntityIfExistsAsync<TableEntity>("p-emea", "2026-03-02|s-monday");
        Assert.False(released.HasValue);

        var next = await RunAsync(world);
        Assert.Equal(1, next!.Counts.Sent);
        Assert.Equal(["monday@example.com"], await RecipientsAsync(world));
    }

    private static async Task<Tracker.Api.ApiResponse> PostUnsubscribeAsync(World world, string token)
    {
        var context = new DefaultHttpContext { RequestServices = world.Host.Services };
        context.Request.Method = "POST";
        context.Request.Path = "/api/digests/unsubscribe";
        context.Request.QueryString = QueryString.Create("token", token);
        return await world.Host.Get<Tracker.Api.ApiDispatcher>().RunAsync("Unsubscribe", context.Request, world.Host.Get<DigestHandlers>().UnsubscribeNow);
    }

    /// <summary>Sends through the real SMTP server, then dies once, as a process would right after sending.</summary>
    private sealed class CrashAfterFirstSend : IMailTransport
    {
        private int _sends;

        public IMailTransport Inner { get; set; } = null!;

        public bool IsConfigured => Inner.IsConfigured;

        public async Task SendAsync(OutgoingMail message, string from, CancellationToken ct)
        {
            await Inner.SendAsync(message, from, ct);
            if (Interlocked.Increment(ref _sends) == 1)
            {
                throw new InvalidOperationException("Simulated crash after the message was handed to the SMTP server.");
            }
        }
    }
}
