using System.Globalization;

namespace Tracker.Schedules;

/// <summary>How often a digest goes out.</summary>
public enum Cadence
{
    Daily,
    Weekly,
}

public enum Weekday
{
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// <summary>Send times are local times written HH:mm (<c>08:00</c>), in the zone of whatever is sent.</summary>
public static class SendTimes
{
    public static TimeOnly? TryParse(string text) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    public static Weekday ToWeekday(DayOfWeek day) => day == DayOfWeek.Sunday ? Weekday.Sunday : (Weekday)((int)day - 1);
}

/// <summary>
/// One period of something sent on a schedule (a digest, an update request). A period starts at the latest send moment
/// at or before now — the local send time on a day the schedule accepts — and its key (that local date) makes
/// "once per period" a row key. A send time that a DST change skips moves to the first valid minute after it; one
/// that occurs twice is the later of the two.
/// </summary>
public sealed record SendPeriod(string Key, DateTimeOffset SendAt, DateOnly LocalDate)
{
    /// <summary>The latest send moment at or before now: <paramref name="time"/> local on a day <paramref name="isSendDay"/> accepts.</summary>
    public static SendPeriod Latest(TimeZoneInfo zone, TimeOnly time, Func<DateOnly, bool> isSendDay, DateTimeOffset now)
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
                return new SendPeriod(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), sendAt, day);
            }
        }
    }

    /// <summary>Every week on <paramref name="weekday"/>.</summary>
    public static Func<DateOnly, bool> Weekly(Weekday weekday) => day => SendTimes.ToWeekday(day.DayOfWeek) == weekday;

    /// <summary>
    /// Every <paramref name="days"/>-th day counted from 1 January 0001, so that the periods do not move when a
    /// schedule is saved again.
    /// </summary>
    public static Func<DateOnly, bool> EveryDays(int days) => day => day.DayNumber % days == 0;

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
}
