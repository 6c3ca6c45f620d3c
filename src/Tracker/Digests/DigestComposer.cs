using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Tracker.Common;
using Tracker.Mail;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Schedules;

namespace Tracker.Digests;

/// <summary>What a digest is about: a portfolio as of the end of a period, and the period before for comparison.</summary>
public sealed record DigestInput(
    string PortfolioId, string PortfolioName, Cadence Cadence, DateOnly AsOf, MetricsResult Current, MetricsResult Previous,
    IReadOnlyDictionary<string, string> ProjectNames, string UnsubscribeUrl, int StaleDays = 14, double OverBudgetBelow = 0.95, DateOnly? SentOn = null)
{
    /// <summary>The day the mail goes out (the portfolio's zone): day counts shown to people run to it (docs/metrics.md §5).</summary>
    public DateOnly SendDay => SentOn ?? AsOf;

    /// <summary>The days from the snapshot day to the send day, added to each day count.</summary>
    public int DaysToSendDay => SendDay.DayNumber - AsOf.DayNumber;
}

/// <summary>One survey baseline in the headline: the rate now and its change since the previous period, in points.</summary>
public sealed record Headline(string Name, string Label, Rate Rate, double? ChangePoints);

/// <summary>A project worth a line: why it needs attention, or its slip against target.</summary>
public sealed record ProjectLine(
    string Id, string Name, double AttentionScore, IReadOnlyList<string> Reasons, int DaysSinceUpdate, int? SlipDays,
    DateOnly? Forecast, DateOnly? Target, Rag Rag);

public sealed record DigestContent(
    string Subject, IReadOnlyList<Headline> Headlines, IReadOnlyDictionary<string, int> ByRag, IReadOnlyList<ProjectLine> Attention,
    IReadOnlyList<ProjectLine> Stale, IReadOnlyList<ProjectLine> Slipping, IReadOnlyList<ProjectLine> Completed, int ActiveProjects);

/// <summary>A digest ready to send: subject, HTML (the chart referenced as cid:rates-chart), plain text, chart PNG.</summary>
public sealed record Digest(DigestContent Content, string Html, string Text, byte[] Chart)
{
    public const string ChartContentId = "rates-chart";
}

/// <summary>
/// Digest composition: a pure function of metrics already computed. It chooses what an owner reads first — the
/// survey headline, what changed, which projects need attention and why — and renders it for mail clients.
/// </summary>
public static class DigestComposer
{
    public static DigestContent Compose(DigestInput input)
    {
        var now = input.Current;
        var headlines = RateDefinitions.All.Where(d => d.Headline is not null).Select(d =>
        {
            var rate = now.Portfolio.Rates[d.Id];
            var previous = input.Previous.Portfolio.Rates[d.Id].Value;
            return new Headline(d.Id, d.Headline!, rate, rate.Value is { } v && previous is { } p ? 100 * (v - p) : null);
        }).ToList();

        var active = now.Projects.Where(p => p.Active).Select(p => Line(p, input)).ToList();
        var attention = active.OrderByDescending(p => p.AttentionScore).ThenBy(p => p.Name, StringComparer.Ordinal).Take(5).ToList();
        var stale = active.Where(p => p.DaysSinceUpdate > input.StaleDays).OrderByDescending(p => p.DaysSinceUpdate).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
        var slipping = active.Where(p => p.SlipDays > 0).OrderByDescending(p => p.SlipDays).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
        var wasCompleted = input.Previous.Projects.Where(p => p.Status == ProjectStatus.Completed).Select(p => p.ProjectId).ToHashSet(StringComparer.Ordinal);
        var completed = now.Projects.Where(p => p.Status == ProjectStatus.Completed && !wasCompleted.Contains(p.ProjectId))
            .Select(p => Line(p, input)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

        var compared = headlines.Count(h => h.Rate.Standing != Metrics.Standing.NoData);
        var ahead = headlines.Count(h => h.Rate.Standing == Metrics.Standing.Ahead);
        var subject = compared == 0
            ? $"{input.PortfolioName}: no active projects to compare with the survey"
            : $"{input.PortfolioName}: ahead on {ahead} of {compared} survey baselines, {Plural(slipping.Count, "project")} slipping";
        return new DigestContent(subject, headlines, now.Portfolio.Counts.ByRag, attention, stale, slipping, completed, now.Portfolio.ActiveProjects);
    }

    private static ProjectLine Line(ProjectMetrics p, DigestInput input)
    {
        var reasons = new List<string>();
        if (p.SlipDays > 0)
        {
            reasons.Add($"slipping {Plural(p.SlipDays.Value, "day")}");
        }
        if (p.DaysSinceUpdate > input.StaleDays)
        {
            reasons.Add($"no update for {p.DaysSinceUpdate + input.DaysToSendDay} days");
        }
        if (p.CostPerformance < input.OverBudgetBelow)
        {
            reasons.Add($"over budget (cost performance {p.CostPerformance.Value.ToString("0.00", CultureInfo.InvariantCulture)})");
        }
        if (reasons.Count == 0)
        {
            reasons.Add($"{p.Priority.ToString().ToLowerInvariant()} priority");
        }
        var target = p.ForecastCompletion is { } f && p.SlipDays is { } s ? f.AddDays(-s) : (DateOnly?)null;
        return new ProjectLine(
            Id: p.ProjectId,
            Name: input.ProjectNames.GetValueOrDefault(p.ProjectId, p.ProjectId),
            AttentionScore: p.AttentionScore,
            Reasons: reasons,
            DaysSinceUpdate: p.DaysSinceUpdate + input.DaysToSendDay,
            SlipDays: p.SlipDays,
            Forecast: p.ForecastCompletion,
            Target: target,
            Rag: p.Rag);
    }

    public static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    public static string Percent(double? value) => value is { } v ? (100 * v).ToString("0", CultureInfo.InvariantCulture) + "%" : "no data";

    public static string Points(double? value) => value is { } v ? (v >= 0 ? "+" : "−") + Math.Abs(v).ToString("0.0", CultureInfo.InvariantCulture) + " pts" : "";

    public static string Standing(Standing standing) => standing switch
    {
        Metrics.Standing.Ahead => "ahead",
        Metrics.Standing.Behind => "behind",
        Metrics.Standing.OnPar => "on par",
        _ => "no data",
    };

    /// <summary>Plain-text alternative: the same content, readable in any client.</summary>
    public static string Text(DigestInput input, DigestContent c)
    {
        var t = new StringBuilder();
        t.AppendLine(c.Subject).AppendLine();
        t.AppendLine($"As of {input.AsOf:yyyy-MM-dd}, {c.ActiveProjects} active projects, compared with a survey of 1,200 organisations:");
        foreach (var h in c.Headlines)
        {
            t.AppendLine($"- {h.Label}: {Percent(h.Rate.Value)} vs {Percent(h.Rate.Baseline)} in the survey ({Standing(h.Rate.Standing)}{(h.Rate.GapPoints is { } g ? ", " + Points(g) : "")}){(h.ChangePoints is { } d ? $"; {Points(d)} since last {Period(input.Cadence)}" : "")}");
        }
        t.AppendLine().AppendLine($"RAG: {c.ByRag.GetValueOrDefault("green")} green, {c.ByRag.GetValueOrDefault("amber")} amber, {c.ByRag.GetValueOrDefault("red")} red");
        Section(t, "Needs attention", c.Attention, p => $"{p.Name} (score {p.AttentionScore:0}): {string.Join(", ", p.Reasons)}");
        Section(t, "Slipping", c.Slipping, p => $"{p.Name}: forecast {p.Forecast:yyyy-MM-dd}, target {p.Target:yyyy-MM-dd} ({Plural(p.SlipDays!.Value, "day")} late)");
        Section(t, "No update for over " + input.StaleDays + " days", c.Stale, p => $"{p.Name}: {SendDay.LastUpdate(p.DaysSinceUpdate, input.SendDay)}");
        Section(t, "Completed this " + Period(input.Cadence), c.Completed, p => p.Name);
        t.AppendLine().AppendLine("Unsubscribe: " + input.UnsubscribeUrl);
        return t.ToString();
    }

    private static void Section(StringBuilder t, string title, IReadOnlyList<ProjectLine> lines, Func<ProjectLine, string> format)
    {
        if (lines.Count == 0)
        {
            return;
        }
        t.AppendLine().AppendLine(title + ":");
        foreach (var line in lines)
        {
            t.AppendLine("- " + format(line));
        }
    }

    public static string Period(Cadence cadence) => cadence == Cadence.Daily ? "day" : "week";

    /// <summary>HTML for mail clients, from the template <c>Templates/DigestMail.razor</c>.</summary>
    public static string Html(DigestInput input, DigestContent c) =>
        HtmlTemplates.Render<Templates.DigestMail>(new Dictionary<string, object?> { ["Input"] = input, ["Content"] = c });
}
