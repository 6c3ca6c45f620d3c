using System.Text.Json;
using System.Text.RegularExpressions;
using Tracker.Api;

namespace Tracker.Functions.Tests;

/// <summary>The generated functions.metadata against the API's own description and the app's settings.</summary>
public sealed partial class FunctionsMetadataTests
{
    private static readonly IReadOnlyList<FunctionEntry> Functions = RepoFiles.FunctionsMetadata();

    [Fact]
    public void EveryOperationOfTheOpenApiDocumentHasOneFunctionWithItsVerbAndRoute()
    {
        using var document = JsonDocument.Parse(OpenApiHandlers.Embedded);
        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Verb: op.Name.ToUpperInvariant(), Path: Normal(path.Name)))).ToList();
        Assert.NotEmpty(operations);
        foreach (var (verb, path) in operations)
        {
            var matching = Functions.Where(f => f.IsHttp && Normal("/api/" + f.Route) == path && f.Methods.Any(m => m.Equals(verb, StringComparison.OrdinalIgnoreCase))).ToList();
            Assert.True(matching.Count == 1, $"{verb} {path}: {matching.Count} functions");
        }
        // And no HTTP function outside the document but the document's own route.
        var documented = operations.ToHashSet();
        var undocumented = Functions.Where(f => f.IsHttp && !f.Methods.Any(m => documented.Contains((m.ToUpperInvariant(), Normal("/api/" + f.Route)))))
            .Select(f => f.Name).ToList();
        Assert.Equal(["OpenApi", RouteTable.Fallback.Name], undocumented);
    }

    [Fact]
    public void EveryHttpFunctionIsAnonymousWithOneVerb()
    {
        foreach (var function in Functions.Where(f => f.IsHttp))
        {
            Assert.True(function.AuthLevel == "Anonymous", $"{function.Name}: {function.AuthLevel}");
            if (function.Name == RouteTable.Fallback.Name)
            {
                Assert.Empty(function.Methods); // every method
                Assert.Equal(Routes.Unmatched, function.Route);
                continue;
            }
            Assert.Single(function.Methods);
        }
        Assert.Equal(RouteTable.All.Count + 1, Functions.Count(f => f.IsHttp));
    }

    [Fact]
    public void EveryJobHasOneTimerOnASettingDefinedLocallyAndInAzure()
    {
        var local = LocalSettings();
        var azure = Infra.AppSettingNames();
        foreach (var (name, setting) in JobTable.All)
        {
            var timer = Assert.Single(Functions, f => f.Name == name);
            Assert.Equal("timerTrigger", timer.TriggerType);
            Assert.Equal($"%{setting}%", timer.Schedule);
        }
        Assert.Equal(JobTable.All.Count, Functions.Count(f => f.TriggerType == "timerTrigger"));
        foreach (var function in Functions)
        {
            foreach (var setting in new[] { function.Schedule, function.QueueName, function.Connection }.OfType<string>().SelectMany(Settings))
            {
                Assert.True(local.Contains(setting), $"{function.Name} uses %{setting}%, missing from local.settings.json.example");
                Assert.True(azure.Contains(setting), $"{function.Name} uses %{setting}%, missing from the app settings of infra/main.bicep");
            }
        }
    }

    private static IEnumerable<string> Settings(string value) => SettingReference().Matches(value).Select(m => m.Groups[1].Value);

    private static HashSet<string> LocalSettings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepoFiles.PathOf("src", "Tracker.Functions", "local.settings.json.example")));
        return [.. document.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name)];
    }

    /// <summary>A route as a comparable path: constraints dropped, no trailing slash.</summary>
    private static string Normal(string route) => RouteConstraint().Replace(route, "{$1}").TrimEnd('/');

    [GeneratedRegex(@"%([A-Za-z0-9_]+)%")]
    private static partial Regex SettingReference();

    [GeneratedRegex(@"\{([A-Za-z]+):[^}]*\}")]
    private static partial Regex RouteConstraint();
}
