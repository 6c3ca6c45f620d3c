using System.Text.Json;
using Tracker.Common;

namespace Tracker.Api;

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
        bool invalidText;
        try
        {
            invalidText = JsonText.HasInvalidText(root);
        }
        catch (InvalidOperationException)
        {
            invalidText = true;
        }
        if (invalidText)
        {
            throw Problems.MalformedJson("The request body holds text that is not valid Unicode (a lone surrogate escape such as \\ud800).");
        }
        if (root.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw Problems.MalformedJson("The request body names a field twice.");
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

    /// <summary>The fields whose values had the wrong type or enum name, noted by <see cref="Set{T}"/>.</summary>
    public Validation Errors { get; } = new();

    public bool Has(string field) => _fields.ContainsKey(field);

    /// <summary>
    /// Applies a present object field as a merge patch of its own (RFC 7386): its members replace those of
    /// <paramref name="current"/>, a null member removes one, and null for the whole field removes it.
    /// </summary>
    public MergePatch Merge<T>(string field, T? current, Action<T?> apply) where T : class
    {
        if (!_fields.TryGetValue(field, out var element))
        {
            return this;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            return Set(field, apply);
        }
        var merged = current is null ? new System.Text.Json.Nodes.JsonObject() : JsonSerializer.SerializeToNode(current, TrackerJson.Options)!.AsObject();
        foreach (var member in element.EnumerateObject())
        {
            merged[member.Name] = member.Value.ValueKind == JsonValueKind.Null ? null : System.Text.Json.Nodes.JsonNode.Parse(member.Value.GetRawText());
            if (member.Value.ValueKind == JsonValueKind.Null)
            {
                merged.Remove(member.Name);
            }
        }
        try
        {
            apply(merged.Deserialize<T>(TrackerJson.Options));
        }
        catch (JsonException e)
        {
            Errors.Add(field, $"The value of '{field}' is not valid: {e.Message}");
        }
        return this;
    }

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
                var allowed = TrackerJson.Names(typeof(T));
                Errors.Add(field, allowed is null
                    ? $"The value of '{field}' has the wrong type."
                    : $"{field} must be one of: {string.Join(", ", allowed)}.");
            }
        }
        return this;
    }
}
