using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tracker.Common;

namespace Tracker.Api;

/// <summary>Typed reads of query-string parameters; anything unparsable is a 400 naming the parameter.</summary>
public static class Query
{
    public static TEnum? Enum<TEnum>(HttpRequest request, string name) where TEnum : struct, System.Enum
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }
        return TrackerJson.Parse<TEnum>(text) ?? throw Problems.Validation(name,
            $"{name} must be one of: {string.Join(", ", System.Enum.GetValues<TEnum>().Select(v => TrackerJson.Name(v)))}.");
    }

    public static bool Bool(HttpRequest request, string name) => request.Query[name].ToString() switch
    {
        "" or "false" => false,
        "true" => true,
        _ => throw Problems.Validation(name, $"{name} must be true or false."),
    };

    /// <summary>
    /// The <c>from</c> (inclusive) and <c>to</c> (exclusive) instants of a history query, dates read as days in
    /// <paramref name="zone"/> (a date <c>to</c> includes its day); 400 when <c>to</c> is not after <c>from</c>.
    /// </summary>
    public static (DateTimeOffset? From, DateTimeOffset? To) Range(HttpRequest request, TimeZoneInfo zone)
    {
        var from = Instant(request, "from", zone, endOfDay: false);
        var to = Instant(request, "to", zone, endOfDay: true);
        if (from is not null && to is not null && from >= to)
        {
            throw Problems.Validation("to", "to must be after from.");
        }
        return (from, to);
    }

    /// <summary>
    /// An instant, from an ISO 8601 timestamp with offset, or a date read as a day in <paramref name="zone"/>:
    /// the start of that day, or with <paramref name="endOfDay"/> the start of the next one.
    /// </summary>
    public static DateTimeOffset? Instant(HttpRequest request, string name, TimeZoneInfo zone, bool endOfDay)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            // The calendar's ends (0001-01-01, 9999-12-31) mean "unbounded": the day's edge lies outside what an
            // instant can hold, so it is the earliest or latest instant.
            try
            {
                return LocalTime.StartOfDay(endOfDay ? date.AddDays(1) : date, zone);
            }
            catch (ArgumentOutOfRangeException)
            {
                return date.Year > 5000 ? DateTimeOffset.MaxValue : DateTimeOffset.MinValue;
            }
        }
        if (text.Contains('T', StringComparison.Ordinal) &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) &&
            (text.EndsWith('Z') || text[^6] is '+' or '-'))
        {
            return instant;
        }
        throw Problems.Validation(name, $"{name} must be a date (2026-03-02) or a timestamp with offset (2026-03-02T09:00:00Z).");
    }
}

/// <summary>A calendar day parameter (metrics), from 2000-01-01 — the earliest day data can hold — to 9999-12-31.</summary>
public static class QueryDates
{
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    public static DateOnly? Date(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw Problems.Validation(name, $"{name} must be a date such as 2026-03-02.");
        }
        return date >= Earliest ? date : throw Problems.Validation(name, $"{name} must be on or after {Earliest:yyyy-MM-dd}.");
    }
}
