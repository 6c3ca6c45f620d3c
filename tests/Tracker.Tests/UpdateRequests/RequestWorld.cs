using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tracker.Testing;
using Tracker.Tests.Api;

namespace Tracker.Tests.UpdateRequests;

/// <summary>
/// The real server on Kestrel with a fake clock, a real Azurite and a real SMTP server (maildev), and portfolio
/// p-req (owner pmo@example.com, Europe/Amsterdam, requests weekly on Monday at 09:00) with five projects:
/// alpha (ana, last update 10 days ago) and beta (ana, no update, started 30 days ago) need an update; gamma (bob,
/// updated 2 days ago) and delta (carl, on hold) do not; eps (dora, 15 days: stale) does.
/// </summary>
public sealed partial class RequestWorld : IAsyncDisposable
{
    public const string AdminKey = "update-requests-admin-key-0123456789abcdef";

    /// <summary>Where the mails' links point (Tracker:PublicBaseUrl); <see cref="Local"/> turns them to this server.</summary>
    public const string PublicBaseUrl = "https://tracker.example.com";

    // Monday 2 March 2026, 08:30 UTC = 09:30 in Amsterdam: half an hour after the period's send time.
    public static readonly DateTimeOffset MondayMorning = new(2026, 3, 2, 8, 30, 0, TimeSpan.Zero);

    private RequestWorld(Azurite azurite, Maildev mail, TestServer server, FakeTimeProvider time)
    {
        Azurite = azurite;
        Mail = mail;
        Server = server;
        Time = time;
        Admin = server.CreateClient(AdminKey);
        Anonymous = server.CreateClient();
    }

    public Azurite Azurite { get; }

    public Maildev Mail { get; }

    public TestServer Server { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Admin { get; }

    /// <summary>A client without a key: what a project owner's browser is.</summary>
    public HttpClient Anonymous { get; }

    public static async Task<RequestWorld> StartAsync()
    {
        var azurite = await Azurite.StartAsync();
        var mail = await Maildev.StartAsync();
        var time = new FakeTimeProvider(MondayMorning.AddDays(-30));
        var server = await TestServer.StartAsync(azurite.ConnectionString, AdminKey, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
            ["Smtp:From"] = "pmo-tracker@example.com",
            ["Jobs:Queues:RetryDelay"] = "00:00:00",
            ["Tracker:PublicBaseUrl"] = PublicBaseUrl,
        }, services: s => s.AddSingleton<TimeProvider>(time));
        var world = new RequestWorld(azurite, mail, server, time);
        await world.SeedAsync();
        return world;
    }

    private async Task SeedAsync()
    {
        await HttpAssert.JsonAsync(await Admin.PostAsJsonAsync("/api/portfolios", new
        {
            id = "p-req",
            name = "EMEA transformation",
            owner = "pmo@example.com",
            timeZone = "Europe/Amsterdam",
            updateRequests = new { enabled = true, cadence = "weekly", weekday = "monday", sendTime = "09:00" },
        }), 201);
        // Created 30 days before Monday; each update is posted on the day it reports.
        await ProjectAsync("alpha", "Alpha migration", "ana@example.com");
        await ProjectAsync("beta", "Beta CRM", "Ana@Example.com");
        await ProjectAsync("gamma", "Gamma AI", "bob@example.com");
        await ProjectAsync("delta", "Delta data", "carl@example.com", status: "onHold");
        await ProjectAsync("eps", "Epsilon portal", "dora@example.com");
        await UpdateAtAsync("delta", MondayMorning.AddDays(-20), new { percentComplete = 5 });
        await UpdateAtAsync("eps", MondayMorning.AddDays(-15), new { percentComplete = 20, note = "Vendor selected" });
        await UpdateAtAsync("alpha", MondayMorning.AddDays(-10), new { percentComplete = 40, spend = 12000, rag = "green", note = "Landing zone live" });
        await UpdateAtAsync("gamma", MondayMorning.AddDays(-2), new { percentComplete = 70 });
        Time.SetUtcNow(MondayMorning);
    }

    private async Task ProjectAsync(string id, string name, string owner, string status = "active") =>
        await HttpAssert.JsonAsync(await Admin.PostAsJsonAsync("/api/portfolios/p-req/projects", new
        {
            id,
            name,
            owner,
            status,
            category = "cloud",
            startDate = "2026-01-31",
            budget = 100000,
        }), 201);

    public async Task UpdateAtAsync(string project, DateTimeOffset at, object update)
    {
        Time.SetUtcNow(at);
        await HttpAssert.JsonAsync(await Admin.PostAsJsonAsync($"/api/portfolios/p-req/projects/{project}/updates", update), 201);
    }

    /// <summary>Runs the RequestUpdates job as the timer would (one message per portfolio, worked off by the server's consumer).</summary>
    public Task<JsonElement> RunJobAsync() => JobsOverHttp.RunAsync(Admin, "RequestUpdates", 30);

    /// <summary>The mails maildev received, by recipient (lower case).</summary>
    public async Task<Dictionary<string, List<MimeKit.MimeMessage>>> MailsAsync()
    {
        var all = new Dictionary<string, List<MimeKit.MimeMessage>>(StringComparer.Ordinal);
        foreach (var email in await Mail.EmailsAsync())
        {
            var message = await Mail.SourceAsync(email);
            foreach (var to in message.To.Mailboxes)
            {
                (all.TryGetValue(to.Address.ToLowerInvariant(), out var list) ? list : all[to.Address.ToLowerInvariant()] = []).Add(message);
            }
        }
        return all;
    }

    /// <summary>The form link of a project in a request mail, turned to this server.</summary>
    public string FormLink(MimeKit.MimeMessage message, string projectName)
    {
        var match = FormButton().Matches(message.HtmlBody ?? "").Single(m => System.Net.WebUtility.HtmlDecode(m.Groups["name"].Value) == projectName);
        return Local(System.Net.WebUtility.HtmlDecode(match.Groups["href"].Value));
    }

    /// <summary>A link of a mail (on the public base URL), on this test's server instead.</summary>
    public string Local(string url)
    {
        Assert.StartsWith(PublicBaseUrl + "/api/", url);
        return Server.Address.ToString().TrimEnd('/') + url[PublicBaseUrl.Length..];
    }

    /// <summary>The hidden and visible fields of a served form, by name.</summary>
    public static Dictionary<string, string> FormValues(string html) =>
        InputValue().Matches(html).ToDictionary(m => m.Groups["name"].Value, m => System.Net.WebUtility.HtmlDecode(m.Groups["value"].Value));

    public async Task<int> UpdateCountAsync(string project) =>
        (await HttpAssert.JsonAsync(await Admin.GetAsync($"/api/portfolios/p-req/projects/{project}/updates"), 200)).GetProperty("items").GetArrayLength();

    [GeneratedRegex("<a href=\"(?<href>[^\"]+)\"[^>]*>Update (?<name>[^<]+)</a>")]
    private static partial Regex FormButton();

    [GeneratedRegex("<input[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"")]
    private static partial Regex InputValue();

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Anonymous.Dispose();
        await Server.DisposeAsync();
        await Mail.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
