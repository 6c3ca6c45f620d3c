using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Functions.Tests;

/// <summary>
/// infra/main.bicep compiled to ARM JSON by the pinned Bicep CLI (tools/bicep restores it from NuGet), once per run:
/// what Azure Resource Manager would deploy, read as data.
/// </summary>
public static class Infra
{
    public const string BicepVersion = "0.47.16";

    private static readonly Lazy<JsonObject> Compiled = new(() => Build(RepoFiles.PathOf("infra", "main.bicep")));

    public static JsonObject Template => Compiled.Value;

    /// <summary>Every resource of the template, nested deployments' resources included, with its type and name expression.</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject? template = null)
    {
        var resources = (template ?? Template)["resources"];
        IEnumerable<JsonNode?> list = resources switch
        {
            JsonArray array => array,
            JsonObject symbolic => symbolic.Select(p => p.Value),
            _ => [],
        };
        foreach (var resource in list.OfType<JsonObject>())
        {
            yield return resource;
            if (resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Resources(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The app setting names the function app gets, wherever the template declares them.</summary>
    public static HashSet<string> AppSettingNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in Resources())
        {
            var type = resource["type"]?.GetValue<string>();
            if (type == "Microsoft.Web/sites/config" && resource["properties"] is JsonObject settings)
            {
                names.UnionWith(settings.Select(p => p.Key));
            }
            if (type == "Microsoft.Web/sites" && resource["properties"]?["siteConfig"]?["appSettings"] is JsonArray array)
            {
                names.UnionWith(array.OfType<JsonObject>().Select(s => s["name"]!.GetValue<string>()));
            }
        }
        return names;
    }

    public static JsonObject Build(string bicepFile)
    {
        var output = Path.Combine(Path.GetTempPath(), "tracker-bicep-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var (code, text) = Run(Cli(), $"build \"{bicepFile}\" --outfile \"{output}\"");
            Assert.True(code == 0, $"bicep build {bicepFile} failed:\n{text}");
            return JsonNode.Parse(File.ReadAllText(output))!.AsObject();
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static string Cli()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var folder = Path.Combine(packages, "azure.bicep.commandline.linux-x64", BicepVersion);
        if (!Directory.Exists(folder))
        {
            var (code, text) = Run("dotnet", $"restore \"{RepoFiles.PathOf("tools", "bicep", "bicep.csproj")}\" --nologo -v quiet");
            Assert.True(code == 0, "restoring the Bicep CLI failed:\n" + text);
        }
        var cli = Directory.EnumerateFiles(folder, "bicep", SearchOption.AllDirectories).First();
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(cli, File.GetUnixFileMode(cli) | UnixFileMode.UserExecute);
        }
        return cli;
    }

    private static (int Code, string Output) Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}
