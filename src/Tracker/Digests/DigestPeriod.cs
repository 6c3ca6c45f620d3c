using Tracker.Common;

namespace Tracker.Digests;

/// <summary>
/// When a subscription is due. Its period starts at the latest send moment (sendTime local, on the chosen weekday for
/// weekly digests) at or before now; the period key (that local date) makes "once per period" a DigestLog key. A send
/// time that a DST change skips moves to the first valid minute after it.
/// </summary>
public sealed record DigestPeriod(string Key, DateTimeOffset SendAt, DateOnly LocalDate)
{
    public static DigestPeriod Current(SubscriptionEntity subscription, DateTimeOffset now)
    {
        var zone = TimeZones.TryFind(subscription.TimeZone) ?? TimeZoneInfo.Utc;
        var time = SendTimes.TryParse(subscription.SendTime) ?? new TimeOnly(8, 0);
        var weekly = TrackerJson.Parse<Cadence>(subscription.Cadence) == Cadence.Weekly;
        var weekday = TrackerJson.Parse<Weekday>(subscription.Weekday) ?? Weekday.Monday;
        return Latest(zone, time, day => !weekly || ToWeekday(day.DayOfWeek) == weekday, now);
    }

    /// <summary>The latest send moment at or before now: <paramref name="time"/> local on a day <paramref name="isSendDay"/> accepts.</summary>
    public static DigestPeriod Latest(TimeZoneInfo zone, TimeOnly time, Func<DateOnly, bool> isSendDay, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        for (var day = today; ; day = day.AddDays(-1))
        {
            if (!isSendDay(day))
            {
                continue;
            }
            var sendAt = Instant(day, time, zone);
            if (sendAt <= now)
            {
                return new DigestPeriod(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), sendAt, day);
            }
        }
    }

    private static DateTimeOffset Instant(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    public static Weekday ToWeekday(DayOfWeek day) => day == DayOfWeek.Sunday ? Weekday.Sunday : (Weekday)((int)day - 1);
}
