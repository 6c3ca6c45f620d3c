using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracker.Hosting;

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
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The lower camelCase name an enum value has on the wire and in storage.</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static TEnum? Parse<TEnum>(string? text) where TEnum : struct, Enum =>
        text is not null && Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && Name(value) == text
            ? value
            : null;
}
