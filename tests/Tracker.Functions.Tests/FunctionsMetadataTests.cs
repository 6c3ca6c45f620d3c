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
            var matching = Functions.Where(f => f.IsHttp && Normal("/" + f.Route) == path && f.Methods.Any(m => m.Equals(verb, StringComparison.OrdinalIgnoreCase))).ToList();
            Assert.True(matching.Count == 1, $"{verb} {path}: {matching.Count} functions");
        }
        // And no HTTP function outside the document but the document's own route.
        var documented = operations.ToHashSet();
        var undocumented = Functions.Where(f => f.IsHttp && !f.Methods.Any(m => documented.Contains((m.ToUpperInvariant(), Normal("/" + f.Route)))))
            .Select(f => f.Name).ToList();
        // The document's own route, the dashboard's pages (HTML for people) and the catch-all.
        string[] expected = ["OpenApi", .. RouteTable.Pages.Select(p => p.Name), RouteTable.Fallback.Name];
        Assert.Equal(expected.Order(StringComparer.Ordinal), undocumented.Order(StringComparer.Ordinal));
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
                Assert.Equal(Routes.Prefix + "/" + Routes.Unmatched, function.Route);
                continue;
            }
            Assert.Single(function.Methods);
        }
        Assert.Equal(RouteTable.All.Count + RouteTable.Pages.Count + 1, Functions.Count(f => f.IsHttp));
    }

    [Fact]
    public void EveryJobHasOneTimerOnASettingDefinedLocallyAndInAzure()
    {
        var local = LocalSettings();
        var azure = Infra.AppSettingNames();
        foreach (var (name, setting, _) in JobTable.All)
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

    /// <summary>
    /// What the Functions host reads to run the fan-out: per job one queueTrigger on the job's queue, through the
    /// JobQueue connection, which local.settings.json.example gives as a connection string and infra/ as the identity-based
    /// <c>JobQueue__queueServiceUri</c> (with the managed identity's credential and client id).
    /// </summary>
    [Fact]
    public void EveryJobHasOneQueueTriggerOnItsQueueThroughTheJobQueueConnection()
    {
        foreach (var (name, _, queue) in JobTable.All)
        {
            var work = Assert.Single(Functions, f => f.TriggerType == "queueTrigger" && f.QueueName == queue);
            Assert.Equal(name + "Work", work.Name);
            Assert.Equal("JobQueue", work.Connection);
        }
        Assert.Equal(JobTable.All.Count, Functions.Count(f => f.TriggerType == "queueTrigger"));
        Assert.Contains("JobQueue", LocalSettings());
        var azure = Infra.AppSettingNames();
        Assert.All(new[] { "JobQueue__queueServiceUri", "JobQueue__credential", "JobQueue__clientId" }, s => Assert.Contains(s, azure));
        Assert.DoesNotContain("JobQueue", azure); // no connection string in Azure
    }

    /// <summary>host.json's queue settings are the server consumer's defaults, so both hosts retry and give up alike.</summary>
    [Fact]
    public void HostJsonQueueSettingsAreTheServerConsumersDefaults()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(RepoFiles.PathOf("host.json")));
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");
        var defaults = new Jobs.JobQueueOptions();
        Assert.Equal(defaults.BatchSize, queues.GetProperty("batchSize").GetInt32());
        Assert.Equal(defaults.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal(defaults.RetryDelay, TimeSpan.Parse(queues.GetProperty("visibilityTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(defaults.MaxPollingInterval, TimeSpan.Parse(queues.GetProperty("maxPollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        // A whole batch (and the next, fetched at newBatchThreshold) fits the function timeout many times over.
        Assert.True(queues.GetProperty("newBatchThreshold").GetInt32() < defaults.BatchSize);
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
