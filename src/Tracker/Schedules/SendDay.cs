using System.Globalization;

namespace Tracker.Schedules;

/// <summary>
/// The one rule for day counts in mails (docs/metrics.md §5): counted to the day the mail is sent, in the portfolio's
/// time zone, and naming the day they count from, so that a digest and an update request sent in the same minute
/// say the same thing.
/// </summary>
public static class SendDay
{
    /// <summary>
    /// "no update since 23 October 2026, 41 days ago": the day of the last update, or the start day of a project that
    /// has none (true of both), and the whole days from it to the send day.
    /// </summary>
    public static string LastUpdate(int daysSinceUpdate, DateOnly sendDay) =>
        $"no update since {sendDay.AddDays(-daysSinceUpdate).ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}, "
        + (daysSinceUpdate == 1 ? "1 day" : $"{daysSinceUpdate} days") + " ago";
}
