using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracker.Testing;

namespace Tracker.Tests.Api;

/// <summary>
/// The README's spreadsheet walk-through, run as a person runs it: its bash block with curl against a real server,
/// twice (a second run meets what the first left), every answer checked, and what it leaves read back by the API.
/// </summary>
public sealed partial class SpreadsheetReadmeTests
{
    private const string AdminKey = "readme-spreadsheets-admin-key-0123456789abcdef";

    [Fact]
    public async Task TheReadmesSpreadsheetSectionRunsEndToEndAndAgain()
    {
        var root = RepoRoot.Find();
        var block = Block(await File.ReadAllTextAsync(Path.Combine(root, "README.md")));
        var calls = Regex.Matches(block, @"^curl ", RegexOptions.Multiline).Count;
        Assert.True(calls >= 15, $"the block has {calls} curl commands");
        await using var azurite = await Azurite.StartAsync();
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, AdminKey);
        using var admin = server.CreateClient(AdminKey);

        var (first, transcript) = await RunAsync(block, server.Address, root);
        Assert.True(first.Count == calls && first[0] == 201 && first.Skip(1).All(code => code == 200), $"answers {string.Join(", ", first)}:\n{transcript}");
        var projects = await ProjectsAsync(admin);
        Assert.Equal(["ai-demand-forecasting", "cloud-landing-zone", "crm-consolidation", "crm-roll-out-emea", "data-platform", "field-service-crm", "invoice-ocr", "service-desk-ai"],
            projects.Select(p => p.GetProperty("id").GetString()));
        var crm = projects.Single(p => p.GetProperty("id").GetString() == "field-service-crm");
        Assert.Equal(("2026-11-30", 320000m, 30m, "amber"), (crm.GetProperty("targetDate").GetString(), crm.GetProperty("budget").GetDecimal(),
            crm.GetProperty("percentComplete").GetDecimal(), crm.GetProperty("rag").GetString()));
        var consolidation = projects.Single(p => p.GetProperty("id").GetString() == "crm-consolidation");
        Assert.Equal((45m, "high", 120000m), (consolidation.GetProperty("percentComplete").GetDecimal(), consolidation.GetProperty("priority").GetString(), consolidation.GetProperty("spend").GetDecimal()));
        var updates = await UpdateCountAsync(admin);

        var (second, again) = await RunAsync(block, server.Address, root);
        Assert.True(second.Count == calls && second[0] == 409 && second.Skip(1).All(code => code == 200), $"answers {string.Join(", ", second)}:\n{again}"); // 409: the portfolio is there already
        var changed = projects.Select(p => p.ToString()).Except((await ProjectsAsync(admin)).Select(p => p.ToString())).ToList();
        Assert.True(changed.Count == 0, "changed by the second run: " + string.Join("\n", changed));
        Assert.Equal(updates, await UpdateCountAsync(admin));
    }

    /// <summary>The first bash block of the README's section "Spreadsheets (CSV and Excel)".</summary>
    private static string Block(string readme)
    {
        var section = readme[readme.IndexOf("## Spreadsheets (CSV and Excel)", StringComparison.Ordinal)..];
        var start = section.IndexOf("```bash\n", StringComparison.Ordinal) + "```bash\n".Length;
        return section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
    }

    /// <summary>Runs the block with bash (stopping at the first failing command); curl also prints each answer's status: the statuses in order, and what bash printed.</summary>
    private static async Task<(IReadOnlyList<int> Codes, string Transcript)> RunAsync(string block, Uri server, string root)
    {
        var script = "set -euo pipefail\ncurl() { command curl -w '\\n@@status %{http_code}\\n' \"$@\"; }\n" + block;
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["API"] = new Uri(server, "api").ToString(), ["KEY"] = AdminKey },
        };
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.True(bash.ExitCode == 0, $"bash exited {bash.ExitCode}: {await errors}\n{await output}");
        return ([.. Status().Matches(await output).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))], await output);
    }

    private static async Task<IReadOnlyList<JsonElement>> ProjectsAsync(HttpClient admin) =>
        [.. (await HttpAssert.JsonAsync(await admin.GetAsync("/api/portfolios/p-sheets/projects?limit=100"), 200)).GetProperty("items").EnumerateArray()
            .OrderBy(p => p.GetProperty("id").GetString(), StringComparer.Ordinal)];

    private static async Task<int> UpdateCountAsync(HttpClient admin)
    {
        var count = 0;
        foreach (var project in await ProjectsAsync(admin))
        {
            count += (await HttpAssert.JsonAsync(await admin.GetAsync($"/api/portfolios/p-sheets/projects/{project.GetProperty("id").GetString()}/updates?limit=1000"), 200))
                .GetProperty("items").GetArrayLength();
        }
        return count;
    }

    [GeneratedRegex(@"@@status (\d{3})")]
    private static partial Regex Status();
}
