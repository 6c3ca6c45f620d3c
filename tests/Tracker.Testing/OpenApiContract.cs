using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Tracker.Api;

namespace Tracker.Testing;

/// <summary>
/// The OpenAPI document as a contract for answers: a JSON response must be documented for its route, method and
/// status, and valid against the schema the document gives it (JSON Schema 2020-12, the document's components as
/// $defs). The API tests check every JSON answer through it.
/// </summary>
public static partial class OpenApiContract
{
    private static readonly Lazy<JsonObject> Document = new(() => JsonNode.Parse(OpenApiHandlers.Embedded)!.AsObject());
    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new();
    private static int _built;

    /// <summary>Why this answer breaks the document, or null when it keeps it (or is not a JSON answer of the API).</summary>
    public static string? Problem(HttpResponseMessage response, string body) => Problem(Document.Value, response, body);

    public static string? Problem(JsonObject document, HttpResponseMessage response, string body)
    {
        var request = response.RequestMessage;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (request?.RequestUri is null || mediaType is not ("application/json" or "application/problem+json") || body.Length == 0)
        {
            return null;
        }
        var path = request.RequestUri.AbsolutePath;
        if (!path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/api/odata", StringComparison.Ordinal) || path == "/api/openapi.json")
        {
            return null; // the feed is described by its CSDL ($metadata), not by JSON schemas; the document by itself
        }
        var method = request.Method.Method.ToLowerInvariant();
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var paths = document["paths"]!.AsObject();
        var template = paths.Select(p => p.Key).Where(t => Matches(t, path)).OrderBy(t => t.Count(c => c == '{')).FirstOrDefault();
        if (template is null)
        {
            return (int)response.StatusCode is 404 or 405 ? null : $"{method.ToUpperInvariant()} {path}: no path of the document matches";
        }
        if (paths[template]![method] is not JsonObject operation)
        {
            return (int)response.StatusCode == 405 ? null : $"{method.ToUpperInvariant()} {template}: the document has no such operation";
        }
        if (operation["responses"]?[status]?["content"]?[mediaType]?["schema"] is not JsonNode schemaNode)
        {
            return $"{method.ToUpperInvariant()} {template}: status {status} with {mediaType} is not documented";
        }
        var key = $"{document.GetHashCode()}|{template}|{method}|{status}|{mediaType}";
        var schema = Schemas.GetOrAdd(key, _ => Build(document, schemaNode));
        var result = schema.Evaluate(JsonDocument.Parse(body).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(5);
        return $"{method.ToUpperInvariant()} {template} {status}: the answer breaks the document's schema: {string.Join("; ", errors)}";
    }

    private static JsonSchema Build(JsonObject document, JsonNode responseSchema)
    {
        var defs = document["components"]?["schemas"]?.ToJsonString() ?? "{}";
        var text = $$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{{defs}},"allOf":[{{responseSchema.ToJsonString()}}]}"""
            .Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var uri = new Uri($"https://tracker.test/contract/{Interlocked.Increment(ref _built)}");
        return JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, uri);
    }

    private static bool Matches(string template, string path) =>
        Regex.IsMatch(path.TrimEnd('/'), "^" + Parameter().Replace(Regex.Escape(template.TrimEnd('/')), "[^/]+") + "$");

    [GeneratedRegex(@"\\\{[A-Za-z]+\}")]
    private static partial Regex Parameter();
}
