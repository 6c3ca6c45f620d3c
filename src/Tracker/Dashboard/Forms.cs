using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Common;

namespace Tracker.Dashboard;

/// <summary>
/// A form as a page shows it: the values typed (kept when the form comes back with errors) and each field's errors,
/// worded with the field's label. <see cref="FormId"/> names one rendering of the form: the page gate records the
/// first post of it, so a double click or a resend writes nothing more.
/// </summary>
public sealed record FormState(IReadOnlyDictionary<string, string> Values, IReadOnlyDictionary<string, string[]> Errors)
{
    public const string FormIdField = RequestPipeline.PageFormIdField;

    public static readonly FormState Empty = new(new Dictionary<string, string>(), new Dictionary<string, string[]>());

    public string FormId { get; init; } = NewId();

    public string Value(string field) => Values.GetValueOrDefault(field, "");

    public bool HasErrors => Errors.Count > 0;

    public static FormState Of(IReadOnlyDictionary<string, string> values) => new(values, new Dictionary<string, string[]>());

    /// <summary>The fields of a posted form, trimmed (the last value of a repeated field; checkboxes: "true" when ticked).</summary>
    public static Dictionary<string, string> Read(IFormCollection form, params string[] fields) =>
        fields.ToDictionary(f => f, f => form[f].LastOrDefault()?.Trim() ?? "", StringComparer.Ordinal);

    /// <summary>A fresh random id for one rendering of a form.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
