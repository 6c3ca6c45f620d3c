using System.Globalization;
using Tracker.Common;
using Tracker.Metrics;

namespace Tracker.Dashboard;

/// <summary>One line of a chart: its label, the points (day, value) and how it is drawn (colour and dashes, so lines differ without colour too).</summary>
public sealed record ChartLine(string Label, IReadOnlyList<(DateOnly Day, double Value)> Points, string Colour, string? Dashes = null, bool Steps = false);

/// <summary>
/// A line chart drawn on the server as SVG: days along, values up, from 0 to <see cref="Max"/> (at least 100).
/// The SVG is a picture for the eye; each page puts the same numbers next to it as text (a caption and a table).
/// </summary>
public sealed record LineChart(IReadOnlyList<ChartLine> Lines, IReadOnlyList<(string Label, double Value, string Colour)> References, DateOnly From, DateOnly To)
{
    public const double Width = 720;
    public const double Height = 240;
    private const double Left = 48;
    private const double Right = 12;
    private const double Top = 12;
    private const double Bottom = 28;

    /// <summary>The top of the scale: 100, or the largest value rounded up.</summary>
    public double Max { get; } = Scale(Lines.SelectMany(l => l.Points).Select(p => p.Value).Concat(References.Select(r => r.Value)).DefaultIfEmpty(0).Max());

    /// <summary>100 for percentages; above that the largest value rounded up to a half power of ten (250,000 → 300,000).</summary>
    private static double Scale(double largest)
    {
        if (largest <= 100)
        {
            return 100;
        }
        var step = Math.Pow(10, Math.Floor(Math.Log10(largest))) / 2;
        return Math.Ceiling(largest / step) * step;
    }

    public string X(DateOnly day) => Coordinate(Left + (To.DayNumber == From.DayNumber ? 0.5
        : (double)(day.DayNumber - From.DayNumber) / (To.DayNumber - From.DayNumber)) * (Width - Left - Right));

    public string Y(double value) => Coordinate(Top + (1 - value / Max) * (Height - Top - Bottom));

    /// <summary>The points of an SVG polyline; a step line holds each value until the next.</summary>
    public string Points(ChartLine line)
    {
        var parts = new List<string>();
        for (var i = 0; i < line.Points.Count; i++)
        {
            var (day, value) = line.Points[i];
            if (line.Steps && i > 0)
            {
                parts.Add($"{X(day)},{Y(line.Points[i - 1].Value)}");
            }
            parts.Add($"{X(day)},{Y(value)}");
        }
        return string.Join(" ", parts);
    }

    /// <summary>Five gridlines and their labels, 0 to <see cref="Max"/>.</summary>
    public IEnumerable<(string Y, string Label)> Ticks(Func<double, string> label) =>
        Enumerable.Range(0, 5).Select(i => Max * i / 4).Select(v => (Y(v), label(v)));

    /// <summary>About four day labels along the bottom.</summary>
    public IEnumerable<(string X, string Label)> DayTicks()
    {
        var span = To.DayNumber - From.DayNumber;
        var steps = span < 4 ? Math.Max(span, 0) : 3;
        return Enumerable.Range(0, steps + 1).Select(i => From.AddDays(steps == 0 ? 0 : span * i / steps))
            .Select(d => (X(d), d.ToString("d MMM", CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// The gridlines with their value labels and the day labels, as SVG markup (Razor reserves the SVG
    /// <c>text</c> element's name); every label is HTML-encoded.
    /// </summary>
    public string AxesMarkup(Func<double, string> label)
    {
        var svg = new System.Text.StringBuilder();
        foreach (var (y, text) in Ticks(label))
        {
            svg.Append($"<line x1=\"{LeftEdge}\" x2=\"{RightEdge}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#d0d0d0\" stroke-width=\"1\" />");
            svg.Append($"<text x=\"{Coordinate(Left - 6)}\" y=\"{y}\" dy=\"4\" text-anchor=\"end\" font-size=\"11\" fill=\"#4a4a4a\">{System.Net.WebUtility.HtmlEncode(text)}</text>");
        }
        foreach (var (x, text) in DayTicks())
        {
            svg.Append($"<text x=\"{x}\" y=\"{BottomEdge}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#4a4a4a\">{System.Net.WebUtility.HtmlEncode(text)}</text>");
        }
        return svg.ToString();
    }

    public static string LeftEdge => Coordinate(Left);

    public static string RightEdge => Coordinate(Width - Right);

    public static string BottomEdge => Coordinate(Height - Bottom + 18);

    private static string Coordinate(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}

/// <summary>The series the charts of the dashboard draw, from the same facts the metrics engine replays.</summary>
public static class ChartSeries
{
    public static readonly string[] Colours = ["#0b5cad", "#a35200", "#6b2e8f"];

    public static readonly string?[] Dashes = [null, "8 4", "2 3"];

    /// <summary>The three headline rates over the trend's days, each with its survey baseline.</summary>
    public static LineChart Trend(IReadOnlyList<PortfolioMetrics> trend)
    {
        var lines = Show.Headline.Select((id, i) => new ChartLine(Show.RateLabel(id),
            [.. trend.Where(t => t.Rates[id].Value is not null).Select(t => (t.AsOf, t.Rates[id].Value!.Value * 100))], Colours[i], Dashes[i])).ToList();
        var references = Show.Headline.Select((id, i) => ($"{Show.RateLabel(id)}: survey {Show.Share(trend[^1].Rates[id].Baseline)}", trend[^1].Rates[id].Baseline * 100, Colours[i])).ToList();
        return new LineChart(lines, references, trend[0].AsOf, trend[^1].AsOf);
    }

    /// <summary>A project's state after each update, from its start to <paramref name="until"/>: percent complete, spend and budget.</summary>
    public static IReadOnlyList<(DateOnly Day, double Percent, double Spend, double Budget)> Progress(ProjectHistory history, TimeZoneInfo zone, DateOnly until)
    {
        var points = new List<(DateOnly, double, double, double)>();
        var (percent, spend, budget) = (history.InitialPercentComplete, history.InitialSpend, history.InitialBudget);
        points.Add((history.StartDate, percent, spend, budget));
        foreach (var fact in history.Updates.OrderBy(u => u.ReportedAt).ThenBy(u => u.RecordedAt))
        {
            var day = LocalTime.Today(fact.ReportedAt, zone);
            (percent, spend, budget) = (fact.PercentComplete ?? percent, fact.Spend ?? spend, fact.Budget ?? budget);
            points.Add((day < history.StartDate ? history.StartDate : day, percent, spend, budget));
        }
        if (until > points[^1].Item1)
        {
            points.Add((until, percent, spend, budget));
        }
        return points;
    }

    /// <param name="progress">the project's <see cref="Progress"/> until today.</param>
    public static LineChart PercentAgainstPlan(ProjectHistory history, IReadOnlyList<(DateOnly Day, double Percent, double Spend, double Budget)> progress, DateOnly today)
    {
        var end = new[] { today, history.TargetDate ?? today, progress[^1].Day }.Max();
        var actual = new ChartLine("Percent complete", [.. progress.Select(p => (p.Day, p.Percent))], Colours[0], null, Steps: true);
        var planned = history.TargetDate is { } target && target > history.StartDate
            ? new ChartLine("Planned", [(history.StartDate, 0), (target, 100)], Colours[1], Dashes[1])
            : null;
        return new LineChart(planned is null ? [actual] : [actual, planned], [], history.StartDate, end);
    }

    /// <param name="progress">the project's <see cref="Progress"/> until today.</param>
    public static LineChart SpendAgainstBudget(ProjectHistory history, IReadOnlyList<(DateOnly Day, double Percent, double Spend, double Budget)> progress)
    {
        return new LineChart(
            [new ChartLine("Spend", [.. progress.Select(p => (p.Day, p.Spend))], Colours[0], null, Steps: true),
             new ChartLine("Budget", [.. progress.Select(p => (p.Day, p.Budget))], Colours[1], Dashes[1], Steps: true)],
            [], history.StartDate, progress[^1].Day);
    }
}
