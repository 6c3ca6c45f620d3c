using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracker.Common;

/// <summary>The one set of JSON options for the wire format: camelCase, enums as camelCase strings, strict fields.</summary>
public static class TrackerJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            // Responses are JSON for API clients, never embedded in HTML: keep ' and non-ASCII names readable.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new StrictEnumConverterFactory());
        options.Converters.Add(new UtcTimestampConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The lower camelCase name an enum value has on the wire and in storage.</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>The allowed names of an enum type (or of the enum inside a nullable), or null for other types.</summary>
    public static IReadOnlyList<string>? Names(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is { IsEnum: true } e
            ? [.. Enum.GetNames(e).Select(JsonNamingPolicy.CamelCase.ConvertName)]
            : null;

    public static TEnum? Parse<TEnum>(string? text) where TEnum : struct, Enum =>
        text is not null && Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && Name(value) == text
            ? value
            : null;
}

/// <summary>
/// Enums as their exact lower camelCase names, in and out — <c>high</c>, never <c>High</c> or <c>2</c> — the same rule
/// as query parameters (<see cref="TrackerJson.Parse{TEnum}"/>).
/// </summary>
internal sealed class StrictEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;
}

internal sealed class StrictEnumConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
{
    private static readonly string Allowed = string.Join(", ", Enum.GetValues<TEnum>().Select(v => TrackerJson.Name(v)));

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (TrackerJson.Parse<TEnum>(text) is { } value)
        {
            return value;
        }
        throw new JsonException($"must be one of: {Allowed}.");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => writer.WriteStringValue(TrackerJson.Name(value));
}

/// <summary>Timestamps go out in UTC with a Z (<c>2026-03-02T09:00:00Z</c>); any ISO 8601 offset is read.</summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? "";
        var hasOffset = text.EndsWith('Z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        if (!hasOffset || !reader.TryGetDateTimeOffset(out var value))
        {
            throw new JsonException("A timestamp must be ISO 8601 with an offset, such as 2026-03-02T09:00:00Z.");
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture));
}
