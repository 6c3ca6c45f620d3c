namespace Tracker.Common;

public static class TimeZones
{
    /// <summary>An IANA time zone, or null. Windows-style ids are refused so stored zones mean the same everywhere.</summary>
    public static TimeZoneInfo? TryFind(string id)
    {
        if (id.Length is 0 or > 64 || (!id.Contains('/', StringComparison.Ordinal) && id != "UTC"))
        {
            return null;
        }
        // Exactly the IANA spelling: a zone found case-insensitively ("europe/amsterdam") would be stored as typed.
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId && zone.Id == id ? zone : null;
    }
}

/// <summary>Days and instants in a time zone.</summary>
public static class LocalTime
{
    /// <summary>Today's date in a zone: "today" for a portfolio or a subscription.</summary>
    public static DateOnly Today(DateTimeOffset now, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

    /// <summary>The instant a local day starts in a zone; a midnight skipped by DST starts at the first valid minute.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
