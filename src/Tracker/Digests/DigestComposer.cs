using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Tracker.Api;
using Tracker.Common;
using Tracker.Metrics;
using Tracker.Projects;
using Tracker.Storage;

namespace Tracker.Digests;

/// <summary>What a digest is about: a portfolio as of the end of a period, and the period before for comparison.</summary>
public sealed record DigestInput(
    string PortfolioId, string PortfolioName, Cadence Cadence, DateOnly AsOf, MetricsResult Current, MetricsResult Previous,
    IReadOnlyDictionary<string, string> ProjectNames, string UnsubscribeUrl, int StaleDays = 14);

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
            reasons.Add($"no update for {p.DaysSinceUpdate} days");
        }
        if (p.CostPerformance < 0.95)
        {
            reasons.Add($"over budget (cost performance {p.CostPerformance.Value.ToString("0.00", CultureInfo.InvariantCulture)})");
        }
        if (reasons.Count == 0)
        {
            reasons.Add($"{p.Priority.ToString().ToLowerInvariant()} priority");
        }
        var target = p.ForecastCompletion is { } f && p.SlipDays is { } s ? f.AddDays(-s) : (DateOnly?)null;
        return new ProjectLine(p.ProjectId, input.ProjectNames.GetValueOrDefault(p.ProjectId, p.ProjectId), p.AttentionScore, reasons,
            p.DaysSinceUpdate, p.SlipDays, p.ForecastCompletion, target, p.Rag);
    }

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

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
        Section(t, "No update for over " + input.StaleDays + " days", c.Stale, p => $"{p.Name}: last update {p.DaysSinceUpdate} days ago");
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

    /// <summary>
    /// HTML for mail clients: tables for layout, inline styles (Gmail drops style blocks), light by default, a dark
    /// palette for clients that honour prefers-color-scheme, the chart as cid:rates-chart.
    /// </summary>
    public static string Html(DigestInput input, DigestContent c)
    {
        var e = HtmlEncoder.Default;
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Append("<meta name=\"color-scheme\" content=\"light dark\"><meta name=\"supported-color-schemes\" content=\"light dark\">");
        h.Append("<title>").Append(e.Encode(c.Subject)).Append("</title>");
        h.Append("<style>@media (prefers-color-scheme: dark){.bg{background:#0d1117!important}.card{background:#161b22!important;border-color:#30363d!important}.fg{color:#e6edf3!important}.muted{color:#8b949e!important}}");
        h.Append("@media only screen and (max-width:620px){.card{width:100%!important}.pad{padding:16px!important}}</style></head>");
        h.Append("<body class=\"bg\" style=\"margin:0;padding:0;background:#f6f8fa;\">");
        h.Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" class=\"bg\" style=\"background:#f6f8fa;\"><tr><td align=\"center\" style=\"padding:24px 8px;\">");
        h.Append("<table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" class=\"card\" style=\"width:600px;max-width:600px;background:#ffffff;border:1px solid #d0d7de;border-radius:8px;font-family:Segoe UI,Helvetica,Arial,sans-serif;\">");
        h.Append("<tr><td class=\"pad\" style=\"padding:24px 28px 8px;\">");
        h.Append("<div class=\"muted\" style=\"font-size:12px;color:#57606a;text-transform:uppercase;letter-spacing:.04em;\">").Append(e.Encode(input.PortfolioName))
            .Append(" · ").Append(input.Cadence == Cadence.Daily ? "daily" : "weekly").Append(" digest · as of ").Append(input.AsOf.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)).Append("</div>");
        h.Append("<h1 class=\"fg\" style=\"margin:8px 0 4px;font-size:22px;line-height:1.3;color:#1f2328;\">").Append(e.Encode(c.Subject[(c.Subject.LastIndexOf(": ", StringComparison.Ordinal) + 2)..])).Append("</h1>");
        h.Append("<p class=\"muted\" style=\"margin:0;font-size:14px;color:#57606a;\">").Append(c.ActiveProjects)
            .Append(" active projects compared with a survey of 1,200 organisations (Savanta for Pegasystems, 2020; EIU for BDO, 2014).</p></td></tr>");

        h.Append("<tr><td class=\"pad\" style=\"padding:16px 28px;\"><table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"border-collapse:collapse;font-size:14px;\">");
        h.Append("<tr class=\"muted\" style=\"color:#57606a;font-size:12px;\"><td style=\"padding:4px 0;\">Survey baseline</td><td align=\"right\">You</td><td align=\"right\">Survey</td><td align=\"right\">Gap</td><td align=\"right\">vs last ").Append(Period(input.Cadence)).Append("</td></tr>");
        foreach (var line in c.Headlines)
        {
            var color = line.Rate.Standing switch { Metrics.Standing.Ahead => "#1a7f37", Metrics.Standing.Behind => "#cf222e", _ => "#57606a" };
            h.Append("<tr style=\"border-top:1px solid #d8dee4;\"><td class=\"fg\" style=\"padding:8px 8px 8px 0;color:#1f2328;\">").Append(e.Encode(line.Label)).Append("</td>");
            h.Append("<td class=\"fg\" align=\"right\" style=\"color:#1f2328;font-weight:600;\">").Append(Percent(line.Rate.Value)).Append("</td>");
            h.Append("<td class=\"muted\" align=\"right\" style=\"color:#57606a;\">").Append(Percent(line.Rate.Baseline)).Append("</td>");
            h.Append("<td align=\"right\" style=\"color:").Append(color).Append(";font-weight:600;white-space:nowrap;\">").Append(Standing(line.Rate.Standing))
                .Append(line.Rate.GapPoints is { } g ? "<br><span style=\"font-weight:400;font-size:12px;\">" + Points(g) + "</span>" : "").Append("</td>");
            h.Append("<td class=\"muted\" align=\"right\" style=\"color:#57606a;white-space:nowrap;\">").Append(line.ChangePoints is { } d ? Points(d) : "–").Append("</td></tr>");
        }
        h.Append("</table></td></tr>");
        h.Append("<tr><td class=\"pad\" style=\"padding:0 28px 8px;\"><img src=\"cid:").Append(Digest.ChartContentId)
            .Append("\" width=\"544\" alt=\"Each rate against its survey baseline\" style=\"display:block;width:100%;max-width:544px;height:auto;border:0;\">")
            .Append("<div class=\"muted\" style=\"font-size:12px;color:#57606a;padding-top:4px;\">Bars: your active projects. Black lines: the survey.</div></td></tr>");

        h.Append("<tr><td class=\"pad fg\" style=\"padding:8px 28px;font-size:14px;color:#1f2328;\">RAG: ")
            .Append(Badge(c.ByRag.GetValueOrDefault("green"), "green", "#1a7f37")).Append(' ')
            .Append(Badge(c.ByRag.GetValueOrDefault("amber"), "amber", "#9a6700")).Append(' ')
            .Append(Badge(c.ByRag.GetValueOrDefault("red"), "red", "#cf222e")).Append("</td></tr>");
        HtmlSection(h, e, "Needs attention", c.Attention, p => $"<b>{e.Encode(p.Name)}</b> <span style=\"color:#57606a;\">score {p.AttentionScore:0}</span><br><span class=\"muted\" style=\"color:#57606a;\">{e.Encode(string.Join(" · ", p.Reasons))}</span>");
        HtmlSection(h, e, "Slipping", c.Slipping, p => $"<b>{e.Encode(p.Name)}</b>: forecast {p.Forecast:yyyy-MM-dd}, target {p.Target:yyyy-MM-dd} <span style=\"color:#cf222e;\">({Plural(p.SlipDays!.Value, "day")} late)</span>");
        HtmlSection(h, e, $"No update for over {input.StaleDays} days", c.Stale, p => $"<b>{e.Encode(p.Name)}</b>: last update {p.DaysSinceUpdate} days ago");
        HtmlSection(h, e, "Completed this " + Period(input.Cadence), c.Completed, p => $"<b>{e.Encode(p.Name)}</b>");
        h.Append("<tr><td class=\"pad muted\" style=\"padding:16px 28px 24px;font-size:12px;color:#57606a;border-top:1px solid #d8dee4;\">You receive this ")
            .Append(input.Cadence == Cadence.Daily ? "daily" : "weekly").Append(" digest of ").Append(e.Encode(input.PortfolioName)).Append(" from Transformation Tracker. ")
            .Append("<a href=\"").Append(e.Encode(input.UnsubscribeUrl)).Append("\" style=\"color:#0969da;\">Unsubscribe</a></td></tr>");
        h.Append("</table></td></tr></table></body></html>");
        return h.ToString();
    }

    private static string Badge(int count, string label, string color) =>
        $"<span style=\"display:inline-block;padding:2px 8px;border-radius:10px;background:{color};color:#ffffff;font-size:12px;font-weight:600;\">{count} {label}</span>";

    private static void HtmlSection(StringBuilder h, HtmlEncoder e, string title, IReadOnlyList<ProjectLine> lines, Func<ProjectLine, string> format)
    {
        if (lines.Count == 0)
        {
            return;
        }
        h.Append("<tr><td class=\"pad\" style=\"padding:12px 28px 4px;\"><h2 class=\"fg\" style=\"margin:0 0 6px;font-size:16px;color:#1f2328;\">").Append(e.Encode(title)).Append("</h2>");
        h.Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"font-size:14px;\">");
        foreach (var line in lines)
        {
            h.Append("<tr><td class=\"fg\" style=\"padding:6px 0;border-top:1px solid #d8dee4;color:#1f2328;\">").Append(format(line)).Append("</td></tr>");
        }
        h.Append("</table></td></tr>");
    }
}
