using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Tracker.Common;

namespace Tracker.Api;

/// <summary>Checks JSON text for what storage and responses can't carry: strings with lone UTF-16 surrogates.</summary>
public static class JsonText
{
    public static bool HasInvalidText(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject o => o.Any(p => IsInvalid(p.Key) || HasInvalidText(p.Value)),
        System.Text.Json.Nodes.JsonArray a => a.Any(HasInvalidText),
        System.Text.Json.Nodes.JsonValue v when v.GetValueKind() == JsonValueKind.String => IsInvalid(v.GetValue<string>()),
        _ => false,
    };

    public static bool HasInvalidText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Any(p => IsInvalid(p.Name) || HasInvalidText(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Any(HasInvalidText),
        JsonValueKind.String => IsInvalid(element.GetString()!),
        _ => false,
    };

    private static bool IsInvalid(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>A JSON request body that checks itself, adding each bad field to <paramref name="v"/>.</summary>
public interface IRequestBody
{
    void Validate(Validation v, DateTimeOffset now);
}

/// <summary>Reads a request body with a size limit, checks its media type and parses JSON into 400s, never 500s.</summary>
public static class RequestBody
{
    public const long JsonLimit = 1024 * 1024;

    public static async Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            throw Problems.TooLarge(limit);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw Problems.TooLarge(limit);
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw Problems.TooLarge(limit);
        }
        return buffer.ToArray();
    }

    public static void RequireMediaType(HttpRequest request, params string[] accepted)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ||
            !accepted.Any(a => type.MediaType.Equals(a, StringComparison.OrdinalIgnoreCase)))
        {
            throw Problems.UnsupportedMediaType(string.Join(" or ", accepted));
        }
    }

    /// <summary>
    /// Parses a request body and validates it, naming every bad field in one answer: values that aren't one of their
    /// enum's names are noted and left out before the typed read, then the body's own rules run.
    /// </summary>
    public static T ParseJson<T>(byte[] body, DateTimeOffset now) where T : class, IRequestBody
    {
        if (body.Length == 0)
        {
            throw Problems.MalformedJson("The request body is empty; a JSON object was expected.");
        }
        System.Text.Json.Nodes.JsonNode? root;
        bool invalidText;
        try
        {
            root = System.Text.Json.Nodes.JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
            invalidText = JsonText.HasInvalidText(root);
        }
        catch (JsonException e)
        {
            throw Describe(e);
        }
        catch (ArgumentException)
        {
            throw Problems.MalformedJson("The request body names a field twice.");
        }
        catch (InvalidOperationException)
        {
            invalidText = true;
            root = null;
        }
        if (invalidText)
        {
            throw Problems.MalformedJson("The request body holds text that is not valid Unicode (a lone surrogate escape such as \\ud800).");
        }
        var v = new Validation();
        if (root is System.Text.Json.Nodes.JsonObject fields)
        {
            foreach (var property in typeof(T).GetProperties())
            {
                var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                if (TrackerJson.Names(property.PropertyType) is { } allowed && fields[name] is { } value
                    && !(value.GetValueKind() == JsonValueKind.String && allowed.Contains(value.GetValue<string>())))
                {
                    v.Add(name, $"{name} must be one of: {string.Join(", ", allowed)}.");
                    fields.Remove(name);
                }
            }
        }
        T parsed;
        try
        {
            parsed = root.Deserialize<T>(TrackerJson.Options)
                ?? throw Problems.MalformedJson("The request body is null; a JSON object was expected.");
        }
        catch (JsonException e) when (!v.IsValid)
        {
            // Another field has the wrong type too: name it beside the enum errors.
            var problem = Describe(e);
            foreach (var (field, messages) in problem.Errors ?? new Dictionary<string, string[]>())
            {
                Array.ForEach(messages, m => v.Add(field, m));
            }
            v.ThrowIfInvalid();
            throw;
        }
        catch (JsonException e)
        {
            throw Describe(e);
        }
        parsed.Validate(v, now);
        v.ThrowIfInvalid();
        return parsed;
    }

    /// <summary>
    /// Syntax errors are "Malformed JSON"; a well-formed document whose values don't fit (an unknown enum value, a
    /// string for a number, an unknown field) is a validation problem naming the field.
    /// </summary>
    private static ApiProblemException Describe(JsonException e)
    {
        var field = e.Path is null or "$" ? null : e.Path.TrimStart('$', '.');
        if (e.InnerException is null && e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            var name = ExtractQuoted(e.Message) ?? field ?? "body";
            return Problems.Validation(name, $"'{name}' is not a known field.");
        }
        if (field is not null && (e.Message.Contains("could not be converted", StringComparison.Ordinal) ||
            e.Message.StartsWith("A timestamp", StringComparison.Ordinal)))
        {
            return Problems.Validation(field, $"The value of '{field}' has the wrong type or is not one of the allowed values.");
        }
        return Problems.MalformedJson($"The request body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine}).");
    }

    private static string? ExtractQuoted(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : null;
    }
}
