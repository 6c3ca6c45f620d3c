using System.Net.Mail;
using System.Text.RegularExpressions;
using Tracker.Common;

namespace Tracker.Api;

/// <summary>Collects field errors and throws one 400 ValidationProblem naming every bad field.</summary>
public sealed partial class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
        return this;
    }

    /// <summary>Adds the message unless the condition holds or the field already has an error (one reason per field is enough).</summary>
    public Validation Require(bool condition, string field, string message) => condition || _errors.ContainsKey(field) ? this : Add(field, message);

    public Validation Text(string field, string? value, int maxLength, bool required = false)
    {
        if (value is null || value.Length == 0)
        {
            return required ? Add(field, $"{field} is required.") : this;
        }
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, $"{field} must not be blank.");
        }
        return Require(value.Length <= maxLength, field, $"{field} must be at most {maxLength} characters.");
    }

    public Validation Email(string field, string? value, bool required = false)
    {
        if (value is null)
        {
            return required ? Add(field, $"{field} is required.") : this;
        }
        var ok = value.Length <= 254 && MailAddress.TryCreate(value, out var address) && address.Address == value && value.Contains('.', StringComparison.Ordinal);
        return Require(ok, field, $"{field} must be an e-mail address such as name@example.com.");
    }

    public Validation Id(string field, string? value)
    {
        if (value is null)
        {
            return this;
        }
        return Require(Ids.IsValid(value), field, $"{field} must be 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit.");
    }

    public Validation TimeZone(string field, string? value)
    {
        if (value is null)
        {
            return this;
        }
        return Require(TimeZones.TryFind(value) is not null, field, $"{field} must be an IANA time zone such as Europe/Amsterdam.");
    }

    public Validation Currency(string field, string? value)
    {
        if (value is null)
        {
            return this;
        }
        return Require(CurrencyCode().IsMatch(value), field, $"{field} must be an ISO 4217 code such as EUR.");
    }

    public Validation Money(string field, decimal? value)
    {
        if (value is null)
        {
            return this;
        }
        return Require(value >= 0 && value <= 1_000_000_000_000m, field, $"{field} must be between 0 and 1,000,000,000,000.");
    }

    public Validation Percent(string field, decimal? value)
    {
        if (value is null)
        {
            return this;
        }
        return Require(value >= 0 && value <= 100, field, $"{field} must be between 0 and 100.");
    }

    /// <summary>The errors so far, by field.</summary>
    public IReadOnlyDictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw Problems.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// The errors as a person's form shows them: each field's messages with every field name in them replaced by its
    /// label ("percentComplete must be between 0 and 100." → "Percent complete must be between 0 and 100."), keyed by
    /// field name still, so the page can put each message next to its input.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Labelled(IReadOnlyDictionary<string, string[]> errors, IReadOnlyDictionary<string, string> labels)
    {
        // A whole word only: not part of an address or a file name ("name@example.com" keeps its "name").
        var names = new Regex(@"(?<![\w@.])(?:(?:" + string.Join(")|(?:", labels.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape)) + @"))(?![\w@])", RegexOptions.None,
            TimeSpan.FromSeconds(1));
        return errors.ToDictionary(e => e.Key, e => e.Value.Select(m => labels.Count == 0 ? m : names.Replace(m, x => labels[x.Value])).ToArray(), StringComparer.Ordinal);
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}
