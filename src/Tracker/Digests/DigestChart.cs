using ScottPlot;
using Tracker.Metrics;

namespace Tracker.Digests;

/// <summary>The digest's chart: each headline rate as a bar, its survey baseline as a mark across it.</summary>
public static class DigestChart
{
    public static byte[] Render(IReadOnlyList<Headline> headlines)
    {
        var plot = new Plot();
        var positions = Enumerable.Range(0, headlines.Count).Select(i => (double)i).ToArray();
        for (var i = 0; i < headlines.Count; i++)
        {
            var h = headlines[i];
            var bar = plot.Add.Bar(positions[i], 100 * (h.Rate.Value ?? 0));
            bar.Color = h.Rate.Standing switch
            {
                Standing.Ahead => Color.FromHex("#1a7f37"),
                Standing.Behind => Color.FromHex("#cf222e"),
                _ => Color.FromHex("#8c959f"),
            };
            var baseline = plot.Add.Line(positions[i] - 0.45, 100 * h.Rate.Baseline, positions[i] + 0.45, 100 * h.Rate.Baseline);
            baseline.LineWidth = 3;
            baseline.Color = Color.FromHex("#1f2328");
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. headlines.Select(h => Short(h.Name))]);
        plot.Axes.Left.Label.Text = "% of active projects";
        plot.Axes.SetLimits(-0.6, headlines.Count - 0.4, 0, 100);
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        return plot.GetImageBytes(680, 300, ImageFormat.Png);
    }

    private static string Short(string name) => name switch
    {
        "priority" => "Priority",
        "acceleration" => "Speed",
        "investment" => "Investment",
        "customerEngagement" => "Customer",
        "customerOutcomeLink" => "Outcome link",
        _ => name,
    };
}
