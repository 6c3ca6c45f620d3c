using System.Text.Json;

namespace Tracker.Hosting;

/// <summary>
/// A JSON merge patch (RFC 7396) over flat resources: a field that is present changes (null clears it), a field that
/// is absent stays. Fields that may not be patched, and values of the wrong type, are 400s naming the field.
/// </summary>
public sealed class MergePatch
{
    private readonly Dictionary<string, JsonElement> _fields;

    private MergePatch(Dictionary<string, JsonElement> fields) => _fields = fields;

    public static readonly string[] MediaTypes = ["application/merge-patch+json", "application/json"];

    public static MergePatch Parse(byte[] body, IReadOnlyCollection<string> patchable)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Problems.MalformedJson($"The request body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine}).");
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Problems.MalformedJson("A merge patch must be a JSON object.");
        }
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var v = new Validation();
        foreach (var property in root.EnumerateObject())
        {
            if (patchable.Contains(property.Name))
            {
                fields[property.Name] = property.Value;
            }
            else
            {
                v.Add(property.Name, $"'{property.Name}' cannot be changed with PATCH; patchable fields: {string.Join(", ", patchable)}.");
            }
        }
        v.Require(fields.Count > 0 || !v.IsValid, "body", "The patch changes nothing; send at least one field.");
        v.ThrowIfInvalid();
        return new MergePatch(fields);
    }

    public bool Has(string field) => _fields.ContainsKey(field);

    /// <summary>Applies a present field to <paramref name="apply"/>; absent fields leave the target alone.</summary>
    public MergePatch Set<T>(string field, Action<T?> apply)
    {
        if (_fields.TryGetValue(field, out var element))
        {
            try
            {
                apply(element.Deserialize<T>(TrackerJson.Options));
            }
            catch (JsonException)
            {
                throw Problems.Validation(field, $"The value of '{field}' has the wrong type or is not one of the allowed values.");
            }
        }
        return this;
    }
}
