using System.Globalization;
using System.Text.RegularExpressions;
using Tracker.Api;
using Tracker.Common;

namespace Tracker.Spreadsheets;

/// <summary>
/// How the text cells of a file are read. With a <see cref="Culture"/> (BCP 47, <c>?culture=de-DE</c>): its decimal
/// and thousands separators and its day/month order. Without one: the invariant culture — ISO dates, a decimal
/// point — plus the forms that cannot be misread (thousands with commas in groups of three, a month written as a
/// name); a date such as 03/04/2026 is refused, asking for a culture. Money may carry a currency symbol or code, a
/// percent a % sign; enum names are matched ignoring case and spaces. A timestamp without an offset, or a status date
/// alone, is read in the portfolio's <see cref="Zone"/> (a date alone at 12:00 there).
/// </summary>
public sealed partial record SheetFormat(CultureInfo? Culture, TimeZoneInfo Zone)
{
    /// <summary>The hour of the day a status date without a time stands for, in the portfolio's time zone.</summary>
    public const int StatusDateHour = 12;

    private delegate bool Parser<T>(string text, out T value);

    /// <summary>The format a request asks for with <c>?culture=</c>; a 400 naming the parameter when it is not a culture .NET knows.</summary>
    public static SheetFormat From(string? culture, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(culture))
        {
            return new SheetFormat(null, zone);
        }
        try
        {
            var info = CultureInfo.GetCultureInfo(culture.Trim(), predefinedOnly: true);
            return new SheetFormat(info.Name.Length == 0 ? null : info, zone);
        }
        catch (CultureNotFoundException)
        {
            throw Problems.Validation("culture", $"culture must be a language tag such as de-DE or en-US ('{Shorten(culture)}' is not one).");
        }
    }

    public TEnum? Enum<TEnum>(CsvRow row, string column, Validation v) where TEnum : struct, System.Enum =>
        Read(row, column, v, (string text, out TEnum value) =>
        {
            var key = string.Concat(text.Where(char.IsLetterOrDigit)).ToLowerInvariant();
            var parsed = System.Enum.GetValues<TEnum>().Cast<TEnum?>().FirstOrDefault(e => TrackerJson.Name(e!.Value).ToLowerInvariant() == key);
            value = parsed.GetValueOrDefault();
            return parsed is not null;
        }, $"one of: {string.Join(", ", TrackerJson.Names(typeof(TEnum))!)}");

    public DateOnly? Date(CsvRow row, string column, Validation v) =>
        Read(row, column, v, (string text, out DateOnly value) => For(row, column).TryDate(text, out value, out _), DateExpected);

    /// <summary>A moment: with an offset as written; without one (or a date alone, at 12:00) in the portfolio's time zone.</summary>
    public DateTimeOffset? Timestamp(CsvRow row, string column, Validation v) =>
        Read(row, column, v, (string text, out DateTimeOffset value) =>
        {
            value = default;
            var hasOffset = text.EndsWith('Z') || OffsetAtEnd().IsMatch(text);
            if (hasOffset)
            {
                return text.Contains('T', StringComparison.Ordinal) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
            }
            if (For(row, column).TryLocal(text, out var local))
            {
                value = new DateTimeOffset(local, Zone.GetUtcOffset(local));
                return true;
            }
            return false;
        }, $"a timestamp such as 2026-03-02T09:00:00Z, a local time such as 2026-03-02 09:00, or a date (read at {StatusDateHour}:00 in the portfolio's time zone)");

    /// <summary>An amount of money: the culture's separators, a currency symbol or code allowed.</summary>
    public decimal? Money(CsvRow row, string column, Validation v) =>
        Read(row, column, v, (string text, out decimal value) => For(row, column).TryNumber(Currency().Replace(text, ""), out value), NumberExpected);

    /// <summary>A percent from 0 to 100, with or without a % sign.</summary>
    public decimal? Percent(CsvRow row, string column, Validation v) =>
        Read(row, column, v, (string text, out decimal value) => For(row, column).TryNumber(text.TrimEnd().TrimEnd('%'), out value), NumberExpected);

    /// <summary>
    /// An owner's e-mail address, alone or as Outlook copies it with a name (<c>Anna Schmidt &lt;anna@example.com&gt;</c>);
    /// a bare name is refused with that hint.
    /// </summary>
    public string? Owner(CsvRow row, string column, Validation v)
    {
        if (row[column] is not { } text)
        {
            return null;
        }
        if (NamedAddress().Match(text) is { Success: true } named)
        {
            return named.Groups[1].Value.Trim();
        }
        if (!text.Contains('@', StringComparison.Ordinal))
        {
            v.Add(column, $"{column} must be an e-mail address; \"{Shorten(text)}\" is a name: write it as {Shorten(text)} <name@example.com>, or the address alone.");
            return null;
        }
        return text;
    }

    /// <summary>Yes or no as spreadsheets write it: true/false (TRUE, WAHR, FALSCH), yes/no, ja/nein, 1/0, x.</summary>
    public bool? Bool(CsvRow row, string column, Validation v) =>
        Read(row, column, v, (string text, out bool value) =>
        {
            var key = text.Trim().ToLowerInvariant();
            value = key is "true" or "wahr" or "yes" or "ja" or "y" or "1" or "x" or "vrai" or "oui";
            return value || key is "false" or "falsch" or "no" or "nein" or "n" or "0" or "faux" or "non";
        }, "yes or no (true/false, TRUE/FALSE, WAHR/FALSCH, 1/0)");

    /// <summary>A typed cell (an .xlsx number or date, written invariantly) is read without the culture of the text cells.</summary>
    private SheetFormat For(CsvRow row, string column) => Culture is not null && row.Typed.Contains(column) ? this with { Culture = null } : this;

    private string NumberExpected => Culture is null
        ? "a number such as 1234.5 or 1,234.5 (with a decimal comma, say which culture: ?culture=de-DE)"
        : $"a number as {Culture.Name} writes it, such as {1234.5m.ToString("N1", Culture)}";

    private string DateExpected => Culture is null
        ? "a date such as 2026-03-02 or 2 Mar 2026 (03/04/2026 could be either day: say which culture, ?culture=en-GB or en-US)"
        : $"a date as {Culture.Name} writes it, such as {new DateOnly(2026, 3, 2).ToString("d", Culture)}, or 2026-03-02";

    private bool TryNumber(string text, out decimal value)
    {
        var t = text.Replace('\u00a0', ' ').Replace('\u202f', ' ').Trim();
        if (Culture is not null)
        {
            return decimal.TryParse(t.Replace(" ", "", StringComparison.Ordinal), NumberStyles.Number, Culture, out value);
        }
        value = default;
        // Without a culture only what reads one way: 1234.5, 1,234.5 (commas in groups of three); 42,6 is refused.
        return InvariantNumber().IsMatch(t) && decimal.TryParse(t, NumberStyles.Number, CultureInfo.InvariantCulture, out value);
    }

    private bool TryDate(string text, out DateOnly value, out TimeOnly? time)
    {
        time = null;
        var t = text.Trim();
        string[] iso = ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];
        string[] named = ["d MMM yyyy", "d MMMM yyyy", "MMM d, yyyy", "MMMM d, yyyy", "d-MMM-yyyy", "d. MMMM yyyy"];
        if (DateTime.TryParseExact(t, iso, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            || DateTime.TryParseExact(t, named, Culture ?? CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out parsed)
            || (Culture is not null && DateTime.TryParse(t, Culture, DateTimeStyles.AllowWhiteSpaces, out parsed)))
        {
            value = DateOnly.FromDateTime(parsed);
            time = parsed.TimeOfDay == TimeSpan.Zero && !t.Contains(':', StringComparison.Ordinal) ? null : TimeOnly.FromDateTime(parsed);
            return true;
        }
        value = default;
        return false;
    }

    private bool TryLocal(string text, out DateTime local)
    {
        local = default;
        if (!TryDate(text, out var day, out var time))
        {
            return false;
        }
        local = day.ToDateTime(time ?? new TimeOnly(StatusDateHour, 0));
        return true;
    }

    /// <summary>An empty cell is null; a cell that does not parse is null and an error quoting it: "{column} must be {expected} ("..." is not)."</summary>
    private static T? Read<T>(CsvRow row, string column, Validation v, Parser<T> parse, string expected) where T : struct
    {
        if (row[column] is not { } text)
        {
            return null;
        }
        if (parse(text, out var value))
        {
            return value;
        }
        v.Add(column, $"{column} must be {expected} (\"{Shorten(text)}\" is not).");
        return null;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex(@"^[^<>]*<\s*([^<>\s]+@[^<>\s]+)\s*>\s*$")]
    private static partial Regex NamedAddress();

    [GeneratedRegex(@"[+-]\d{2}:\d{2}$")]
    private static partial Regex OffsetAtEnd();

    [GeneratedRegex(@"^-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$")]
    private static partial Regex InvariantNumber();

    /// <summary>A currency symbol or ISO code before or after the amount: €250,000.00, 250.000 EUR, $ 12.</summary>
    [GeneratedRegex(@"^\s*(?:[€$£¥]|[A-Z]{3})\s*|\s*(?:[€$£¥]|[A-Z]{3})\s*$")]
    private static partial Regex Currency();
}
