using Microsoft.Extensions.Time.Testing;
using Tracker.Baselines;
using Tracker.Digests;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Schedules;
using static Tracker.Tests.Unit.MetricsEngineTests;

namespace Tracker.Tests.Digests;

/// <summary>
/// Digest composition over fixed data (UTC, as of 2026-03-02, previous week 2026-02-23), expected values worked out by
/// hand. Active on Mar 2: alpha, beta, gamma, eps (delta completed on Feb 26).
/// </summary>
public sealed class DigestCompositionTests
{
    private static readonly DateOnly AsOf = new(2026, 3, 2);
    private readonly MetricsEngine _engine = new(new MetricsOptions(), new BaselineOptions());

    private static readonly UpdateFact[] Steady =
        [U("2026-01-20T00:00:00", percent: 10), U("2026-02-10T00:00:00", percent: 20), U("2026-02-17T00:00:00", percent: 30, spend: 50_000), U("2026-02-24T00:00:00", percent: 40)];

    private static readonly ProjectHistory[] Projects =
    [
        Project(id: "alpha", priority: Priority.High, customer: true, kpi: "NPS", measure: "churn cost", updates: Steady),
        Project(id: "beta", priority: Priority.High, customer: true, target: "2026-03-20", updates: Steady),
        Project(id: "gamma", priority: Priority.Low, updates: [U("2026-01-20T00:00:00", percent: 30)]),
        Project(id: "delta", updates: [U("2026-02-26T00:00:00", percent: 100, status: ProjectStatus.Completed)]),
        Project(id: "eps", updates: [U("2026-02-10T00:00:00", percent: 10), U("2026-02-24T00:00:00", percent: 30, spend: 50_000)]),
    ];

    private static readonly Dictionary<string, string> Names = new()
    {
        ["alpha"] = "Alpha cloud",
        ["beta"] = "Beta CRM",
        ["gamma"] = "Gamma AI",
        ["delta"] = "Delta data",
        ["eps"] = "Ops <&> analytics",
    };

    private DigestInput Input(Cadence cadence = Cadence.Weekly) => new(
        "p-emea", "EMEA transformation", cadence, AsOf,
        _engine.Compute("p-emea", Projects, AsOf, TimeZoneInfo.Utc),
        _engine.Compute("p-emea", Projects, AsOf.AddDays(cadence == Cadence.Weekly ? -7 : -1), TimeZoneInfo.Utc),
        Names, "https://tracker.example.com/api/digests/unsubscribe?token=abc.def");

    [Fact]
    public void TheSubjectStatesTheHeadline()
    {
        // Ahead only on acceleration (alpha and beta accelerate, the others have no velocity pair: 2/2 = 100% vs 58%);
        // priority 2/4 = 50%, investment 0%, customer engagement 2/4 = 50%, outcome link 1/4 = 25%: behind. beta slips.
        var content = DigestComposer.Compose(Input());
        Assert.Equal("EMEA transformation: ahead on 1 of 5 survey baselines, 1 project slipping", content.Subject);
        Assert.Equal(["priority", "acceleration", "investment", "customerEngagement", "customerOutcomeLink"], content.Headlines.Select(h => h.Name));
    }

    [Fact]
    public void HeadlinesCarryTheChangeSinceThePreviousPeriod()
    {
        // A week before, delta (medium) was still active: priority 2/5 = 40%; now 2/4 = 50%: +10 points.
        var priority = DigestComposer.Compose(Input()).Headlines[0];
        Assert.Equal(0.5, priority.Rate.Value);
        Assert.Equal(10, priority.ChangePoints!.Value, 9);
        Assert.Equal(Standing.Behind, priority.Rate.Standing);
    }

    [Fact]
    public void TheFiveProjectsMostInNeedComeFirstWithTheirReasons()
    {
        // Scores: beta 40 + 10 + 20*24/90 + 10*6/30 = 57.33; alpha 40 + 10 + 2 = 52; eps 25 + 2 + red 5 = 32; gamma 10 + 10 + 5 = 25.
        var attention = DigestComposer.Compose(Input()).Attention;
        Assert.Equal(["beta", "alpha", "eps", "gamma"], attention.Select(a => a.Id));
        Assert.Equal(40 + 10 + 20.0 * 24 / 90 + 2, attention[0].AttentionScore, 9);
        Assert.Equal(["slipping 24 days", "over budget (cost performance 0.80)"], attention[0].Reasons);
        Assert.Equal(["over budget (cost performance 0.60)"], attention[2].Reasons);
        Assert.Equal(["no update for 41 days"], attention[3].Reasons);
    }

    /// <summary>
    /// docs/metrics.md §5: a digest describes its snapshot day, but the day counts it shows people run to the day it is
    /// sent and name the day of the last update — the rule the update-request mail follows, so both say the same.
    /// </summary>
    [Fact]
    public void DayCountsRunToTheSendDayAndNameTheDayOfTheLastUpdate()
    {
        var sentNextDay = Input() with { SentOn = AsOf.AddDays(1) };
        var content = DigestComposer.Compose(sentNextDay);
        var gamma = content.Attention.Single(a => a.Id == "gamma");
        Assert.Equal(["no update for 42 days"], gamma.Reasons);
        Assert.Equal(42, gamma.DaysSinceUpdate);
        var lastUpdate = AsOf.AddDays(-41).ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"Gamma AI: no update since {lastUpdate}, 42 days ago", DigestComposer.Text(sentNextDay, content));
        Assert.Contains($"no update since {lastUpdate}, 42 days ago", DigestComposer.Html(sentNextDay, content));
        // The same words an update request sent that day uses for the same project.
        Assert.Equal($"no update since {lastUpdate}, 42 days ago", Schedules.SendDay.LastUpdate(42, AsOf.AddDays(1)));
    }

    [Fact]
    public void StaleSlippingAndCompletedProjectsAreListed()
    {
        var content = DigestComposer.Compose(Input());
        Assert.Equal(["gamma"], content.Stale.Select(p => p.Id));
        var slipping = Assert.Single(content.Slipping);
        Assert.Equal((new DateOnly(2026, 4, 13), new DateOnly(2026, 3, 20), 24), (slipping.Forecast!.Value, slipping.Target!.Value, slipping.SlipDays!.Value));
        Assert.Equal(["delta"], content.Completed.Select(p => p.Id));
        Assert.Equal(4, content.ActiveProjects);
        Assert.Equal(2, content.ByRag["red"]); // eps (cpi 0.6) and gamma (41 days)
    }

    [Fact]
    public void TheHtmlIsTableLaidOutWithInlineStylesDarkModeTheChartByContentIdAndEscapedNames()
    {
        var input = Input();
        var html = DigestComposer.Html(input, DigestComposer.Compose(input));
        Assert.Contains("<img src=\"cid:rates-chart\"", html);
        Assert.Contains("role=\"presentation\"", html);
        Assert.Contains("prefers-color-scheme: dark", html);
        Assert.Contains("name=\"color-scheme\" content=\"light dark\"", html);
        Assert.Contains("Ops &lt;&amp;&gt; analytics", html);
        Assert.DoesNotContain("Ops <&>", html);
        Assert.Contains("href=\"https://tracker.example.com/api/digests/unsubscribe?token=abc.def\"", html);
        Assert.Contains("ahead on 1 of 5 survey baselines, 1 project slipping</h1>", html);
    }

    [Fact]
    public void TheTextAlternativeSaysTheSame()
    {
        var input = Input();
        var text = DigestComposer.Text(input, DigestComposer.Compose(input));
        Assert.Contains("- More priority for digital transformation: 50% vs 62% in the survey (behind, −12.0 pts)", text);
        Assert.Contains("- Beta CRM: forecast 2026-04-13, target 2026-03-20 (24 days late)", text);
        Assert.Contains("Completed this week:\n- Delta data", text.ReplaceLineEndings("\n"));
        Assert.Contains("; +10.0 pts since last week", text);
        Assert.Contains("Unsubscribe: https://tracker.example.com/api/digests/unsubscribe?token=abc.def", text);
    }

    [Fact]
    public void TheChartIsAPng()
    {
        var png = DigestChart.Render(DigestComposer.Compose(Input()).Headlines);
        Assert.True(png.Length > 1000);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
    }

    [Fact]
    public void APortfolioWithoutActiveProjectsSaysSo()
    {
        var empty = Input() with { Current = _engine.Compute("p", [], AsOf, TimeZoneInfo.Utc), Previous = _engine.Compute("p", [], AsOf, TimeZoneInfo.Utc) };
        Assert.Equal("EMEA transformation: no active projects to compare with the survey", DigestComposer.Compose(empty).Subject);
    }
}

/// <summary>When a subscription is due, in its own time zone, with a fake clock.</summary>
public sealed class DigestPeriodTests
{
    private static SubscriptionEntity Sub(string cadence, string? weekday, string time, string zone, DateTimeOffset? created = null) => new()
    {
        PartitionKey = "p",
        RowKey = "s",
        Email = "a@example.com",
        Cadence = cadence,
        Weekday = weekday,
        SendTime = time,
        TimeZone = zone,
        CreatedAt = created ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void AWeeklyDigestIsDueFromItsLocalSendTimeOnItsWeekday()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 6, 30, 0, TimeSpan.Zero)); // Monday 07:30 in Amsterdam
        var monday = Sub("weekly", "monday", "08:00", "Europe/Amsterdam");
        var early = DigestPeriod.Current(monday, time.GetUtcNow());
        Assert.Equal("2026-02-23", early.Key); // last week's period, long past
        Assert.False(SendDigestsJob.IsDue(monday, early, time.GetUtcNow()));

        time.Advance(TimeSpan.FromHours(1)); // 08:30 local
        var period = DigestPeriod.Current(monday, time.GetUtcNow());
        Assert.Equal("2026-03-02", period.Key);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 7, 0, 0, TimeSpan.Zero), period.SendAt);
        Assert.True(SendDigestsJob.IsDue(monday, period, time.GetUtcNow()));
    }

    [Fact]
    public void OnTheDaylightSavingDayTheLocalSendTimeMovesInUtc()
    {
        // 2026-03-29: Amsterdam goes from +01:00 to +02:00 at 02:00; 08:00 local is 06:00Z (07:00Z the day before).
        var daily = Sub("daily", null, "08:00", "Europe/Amsterdam");
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero), DigestPeriod.Current(daily, new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero)).SendAt);
        var day = DigestPeriod.Current(daily, new DateTimeOffset(2026, 3, 29, 6, 1, 0, TimeSpan.Zero));
        Assert.Equal(("2026-03-29", new DateTimeOffset(2026, 3, 29, 6, 0, 0, TimeSpan.Zero)), (day.Key, day.SendAt));
        Assert.Equal("2026-03-28", DigestPeriod.Current(daily, new DateTimeOffset(2026, 3, 29, 5, 59, 0, TimeSpan.Zero)).Key);
        // 02:30 does not exist that day: the digest goes at 03:00 local (01:00Z).
        var skipped = Sub("daily", null, "02:30", "Europe/Amsterdam");
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), DigestPeriod.Current(skipped, new DateTimeOffset(2026, 3, 29, 9, 0, 0, TimeSpan.Zero)).SendAt);
    }

    [Fact]
    public void ASubscriptionMadeAfterThePeriodStartedOrAPeriodLongPastIsNotDue()
    {
        var now = new DateTimeOffset(2026, 3, 2, 7, 30, 0, TimeSpan.Zero);
        var fresh = Sub("weekly", "monday", "08:00", "Europe/Amsterdam", created: now.AddMinutes(-5));
        Assert.False(SendDigestsJob.IsDue(fresh, DigestPeriod.Current(fresh, now), now));
        var daily = Sub("daily", null, "08:00", "UTC");
        Assert.True(SendDigestsJob.IsDue(daily, DigestPeriod.Current(daily, now.AddHours(12)), now.AddHours(12)));   // 11.5 h late
        Assert.False(SendDigestsJob.IsDue(daily, DigestPeriod.Current(daily, now.AddHours(13)), now.AddHours(13)));  // 12.5 h late
    }
}
