using System.Globalization;
using Tracker.Common;

namespace Tracker.Api;

/// <summary>Reads typed values from form text, adding an error worded for people when the text is not one.</summary>
public static class FormValues
{
    public static decimal? Number(Validation v, string field, string text)
    {
        if (text.Length == 0)
        {
            return null;
        }
        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        v.Add(field, $"{field} must be a number, such as 42 or 42.5 (\"{Shorten(text)}\" is not).");
        return null;
    }

    public static DateOnly? Date(Validation v, string field, string text)
    {
        if (text.Length == 0)
        {
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }
        v.Add(field, $"{field} must be a date such as 2026-03-02 (\"{Shorten(text)}\" is not).");
        return null;
    }

    public static T? Choice<T>(Validation v, string field, string text) where T : struct, Enum
    {
        if (text.Length == 0)
        {
            return null;
        }
        if (TrackerJson.Parse<T>(text) is { } value)
        {
            return value;
        }
        v.Add(field, $"{field} must be one of: {string.Join(", ", Enum.GetValues<T>().Select(EnumText.Label))}.");
        return null;
    }

    public static string? Text(string text) => text.Length == 0 ? null : text;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
