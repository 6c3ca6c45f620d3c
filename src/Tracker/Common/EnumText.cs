namespace Tracker.Common;

/// <summary>Enum values as people read them, on pages and in their error messages.</summary>
public static class EnumText
{
    /// <summary>onHold → On hold; crm → CRM.</summary>
    public static string Label<T>(T v) where T : struct, Enum
    {
        var name = TrackerJson.Name(v);
        var words = string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
        return name is "crm" or "ai" ? name.ToUpperInvariant() : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
