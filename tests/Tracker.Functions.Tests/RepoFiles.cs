using System.Text.Json;

namespace Tracker.Functions.Tests;

/// <summary>
/// The files the Functions host reads, as the SDK generated them: <c>functions.metadata</c> from Tracker.Functions'
/// build output (the configuration of this test run), host.json and local.settings.json.example from the repository.
/// </summary>
public static class RepoFiles
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static string Root { get; } = Tracker.Testing.RepoRoot.Find();

    public static string FunctionsOutput => Path.Combine(Root, "src", "Tracker.Functions", "bin", Configuration, "net10.0");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static IReadOnlyList<FunctionEntry> FunctionsMetadata(string? directory = null)
    {
        var path = Path.Combine(directory ?? FunctionsOutput, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build src/Tracker.Functions first ({Configuration}).");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.EnumerateArray().Select(FunctionEntry.From)];
    }

    /// <summary>host.json's extensions.http.routePrefix ("api" when absent, as the host defaults).</summary>
    public static string RoutePrefix()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(PathOf("host.json")));
        return host.RootElement.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix) ? prefix.GetString()! : "api";
    }
}

/// <summary>One function of functions.metadata: its trigger binding, as the Functions host indexes it.</summary>
public sealed record FunctionEntry(string Name, string TriggerType, string? Route, IReadOnlyList<string> Methods, string? AuthLevel,
    string? Schedule, string? QueueName, string? Connection)
{
    public bool IsHttp => TriggerType == "httpTrigger";

    public static FunctionEntry From(JsonElement function)
    {
        var trigger = function.GetProperty("bindings").EnumerateArray()
            .Single(b => b.GetProperty("direction").GetString() == "In" && b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
        string? Text(string name) => trigger.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var methods = trigger.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
        return new FunctionEntry(function.GetProperty("name").GetString()!, trigger.GetProperty("type").GetString()!, Text("route"), methods,
            Text("authLevel"), Text("schedule"), Text("queueName"), Text("connection"));
    }
}
