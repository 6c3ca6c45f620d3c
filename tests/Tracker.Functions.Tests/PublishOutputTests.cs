using System.Diagnostics;
using System.Text.Json;

namespace Tracker.Functions.Tests;

/// <summary>
/// What Flex Consumption runs is the publish output of Tracker.Functions. The test command publishes it once to
/// artifacts/functions-publish and names it in TRACKER_FUNCTIONS_PUBLISH; run alone, this test publishes to a fresh
/// temporary folder itself (without building again).
/// </summary>
public sealed class PublishOutputTests
{
    private static readonly Lazy<string> Published = new(Publish);

    [Fact]
    public void ThePublishOutputHasWhatTheFunctionsHostReads()
    {
        var dir = Published.Value;
        foreach (var file in new[] { "functions.metadata", "host.json", "worker.config.json", "extensions.json", "Tracker.Functions.dll",
            Path.Combine(".azurefunctions", "Microsoft.Azure.WebJobs.Extensions.FunctionMetadataLoader.dll") })
        {
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} is missing from the publish output");
        }
        Assert.False(File.Exists(Path.Combine(dir, "local.settings.json")), "local.settings.json must never be published");

        using var worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "worker.config.json")));
        var description = worker.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("Tracker.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());

        Assert.Equal(File.ReadAllText(RepoFiles.PathOf("host.json")), File.ReadAllText(Path.Combine(dir, "host.json")));
        using var extensions = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "extensions.json")));
        Assert.Contains(extensions.RootElement.GetProperty("extensions").EnumerateArray(), e => e.GetProperty("name").GetString() == "Startup");
        // The host-side queue extension the queue triggers need, shipped in the package it points to.
        var queues = Assert.Single(extensions.RootElement.GetProperty("extensions").EnumerateArray(), e => e.GetProperty("name").GetString() == "AzureStorageQueues");
        Assert.True(File.Exists(Path.Combine(dir, queues.GetProperty("hintPath").GetString()!)), "the queue extension's assembly is missing");

        // The published metadata is the built metadata: the routing tests' proof holds for what is deployed.
        Assert.Equal(RepoFiles.FunctionsMetadata().Select(f => (f.Name, f.Route, string.Join(",", f.Methods), f.Schedule, f.QueueName, f.Connection)),
            RepoFiles.FunctionsMetadata(dir).Select(f => (f.Name, f.Route, string.Join(",", f.Methods), f.Schedule, f.QueueName, f.Connection)));
    }

    [Fact]
    public void HostJsonRoutesFromTheRootAndBoundsInvocations()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(RepoFiles.PathOf("host.json")));
        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        // Empty: every API function's route starts with api/ itself, and the dashboard's pages live at the root (ADR 22).
        Assert.Equal("", RepoFiles.RoutePrefix());
        Assert.True(TimeSpan.Parse(host.RootElement.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            <= TimeSpan.FromMinutes(30));
    }

    private static string Publish()
    {
        var given = Environment.GetEnvironmentVariable("TRACKER_FUNCTIONS_PUBLISH");
        var dir = string.IsNullOrEmpty(given) ? Directory.CreateTempSubdirectory("tracker-functions-publish-").FullName : given;
        if (!File.Exists(Path.Combine(dir, "functions.metadata")))
        {
            var project = RepoFiles.PathOf("src", "Tracker.Functions", "Tracker.Functions.csproj");
            using var process = Process.Start(new ProcessStartInfo("dotnet", $"publish \"{project}\" -c {RepoFiles.Configuration} --no-build -nologo -o \"{dir}\"")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "dotnet publish failed:\n" + output.Result + errors);
        }
        return dir;
    }
}
