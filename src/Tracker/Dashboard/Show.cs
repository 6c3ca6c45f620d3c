using System.Globalization;
using Tracker.Common;
using Tracker.Metrics;

namespace Tracker.Dashboard;

/// <summary>How the pages write numbers, days and standings: invariant culture, one decimal for rates, words next to colours.</summary>
public static class Show
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, string> RateLabels = new(StringComparer.Ordinal)
    {
        ["priority"] = "Priority raised",
        ["priorityByBudget"] = "Priority raised, by budget",
        ["acceleration"] = "Accelerating",
        ["investment"] = "Investment increased",
        ["investmentByBudget"] = "Investment increased, by budget",
        ["customerEngagement"] = "Aimed at customer engagement",
        ["customerOutcomeLink"] = "Customer outcome linked to the bottom line",
        ["cloud"] = "Cloud",
        ["crm"] = "CRM",
        ["ai"] = "AI",
    };

    /// <summary>The three rates the survey headlines (62/58/56), as the portfolios page shows them.</summary>
    public static readonly IReadOnlyList<string> Headline = ["priority", "acceleration", "investment"];

    /// <summary>The category mix (48/41/37).</summary>
    public static readonly IReadOnlyList<string> Mix = ["cloud", "crm", "ai"];

    public static string RateLabel(string id) => RateLabels.GetValueOrDefault(id, id);

    /// <summary>A rate or baseline, a share from 0 to 1, as a percentage.</summary>
    public static string Share(double? share) => Percent(share * 100);

    /// <summary>A value already in percent (percent complete, planned).</summary>
    public static string Percent(double? value) => value is { } v ? v.ToString("0.0", Invariant) + "%" : "no data";

    public static string Points(double? gap) => gap is { } g ? (g > 0 ? "+" : g < 0 ? "−" : "±") + Math.Abs(g).ToString("0.0", Invariant) + " pts" : "–";

    public static string Standing(Standing standing) => standing switch
    {
        Metrics.Standing.Ahead => "Ahead",
        Metrics.Standing.OnPar => "On par",
        Metrics.Standing.Behind => "Behind",
        _ => "No data",
    };

    public static string StandingClass(Standing standing) => standing switch
    {
        Metrics.Standing.Ahead => "ahead",
        Metrics.Standing.Behind => "behind",
        _ => "par",
    };

    public static string Money(double value, string currency) => currency + " " + value.ToString("#,0", Invariant);

    public static string Money(decimal? value, string currency) => value is { } v ? Money((double)v, currency) : "–";

    public static string Number(double? value, string format = "0.#") => value is { } v ? v.ToString(format, Invariant) : "–";

    public static string Day(DateOnly day) => day.ToString("d MMM yyyy", Invariant);

    public static string Day(DateOnly? day) => day is { } d ? Day(d) : "–";

    public static string Moment(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).ToString("d MMM yyyy HH:mm", Invariant);

    public static string Name<T>(T value) where T : struct, Enum => TrackerJson.Name(value);

    /// <summary>An enum value as people read it: onHold → On hold; none: a dash.</summary>
    public static string Label<T>(T? value) where T : struct, Enum => value is { } v ? Label(v) : "–";

    /// <summary>An enum value as people read it: onHold → On hold.</summary>
    public static string Label<T>(T v) where T : struct, Enum => EnumText.Label(v);
}
