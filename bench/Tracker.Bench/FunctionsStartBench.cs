using System.Diagnostics;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tracker.Functions;
using Tracker.Storage;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// The Functions worker's own start, cold: a fresh process per round builds the worker host as Program.cs does
/// (<see cref="FunctionsHost.Configure"/>), resolves every function class and makes storage ready. The Functions host
/// (func) is not part of it — it has no package here — so this is the worker's share of a new instance's start.
/// </summary>
public static class FunctionsStartBench
{
    public const string ChildCommand = "functions-start-child";

    public static async Task RunAsync(int rounds)
    {
        Console.WriteLine($"Functions worker start: {rounds} cold processes per build, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        foreach (var (build, dll) in new[] { ("build output (JIT)", typeof(FunctionsStartBench).Assembly.Location), ("ReadyToRun publish", PublishReadyToRun()) })
        {
            Console.WriteLine($"{build}:");
            await MeasureAsync(azurite.ConnectionString, dll, rounds);
        }
    }

    /// <summary>
    /// This benchmark published with ReadyToRun for linux-x64: the worker's code (Functions worker, ASP.NET Core
    /// integration, Tracker, the Azure SDK) precompiled as a runtime-specific ReadyToRun publish of the worker would be.
    /// </summary>
    private static string PublishReadyToRun() => ReadyToRun.Publish(Path.Combine("bench", "Tracker.Bench"), "bench-readytorun", "Tracker.Bench.dll");

    private static async Task MeasureAsync(string connectionString, string dll, int rounds)
    {
        var times = new List<double>();
        for (var round = 0; round <= rounds; round++)
        {
            var start = new ProcessStartInfo("dotnet") { ArgumentList = { dll, ChildCommand, connectionString }, RedirectStandardOutput = true };
            using var child = Process.Start(start) ?? throw new InvalidOperationException("the child did not start");
            var output = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            var ms = double.Parse(output.Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture);
            if (round == 0)
            {
                continue; // the first creates the storage (and warms the disk cache for this build)
            }
            times.Add(ms);
            Console.WriteLine($"  round {round}: worker host built, functions resolved, storage ready after {ms:F0} ms from process start");
        }
        times.Sort();
        Console.WriteLine($"  worker start: median {times[times.Count / 2]:F0} ms, min {times[0]:F0} ms, max {times[^1]:F0} ms");
    }

    /// <summary>In the child process: time from the process's start to a built worker host with storage ready.</summary>
    public static async Task<int> ChildAsync(string connectionString)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connectionString,
            ["Tracker:BootstrapAdminKey"] = "bench-admin-key-functions-0123456789abcdef",
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
        });
        using var host = builder.Configure().Build();
        ActivatorUtilities.CreateInstance<ApiFunctions>(host.Services);
        ActivatorUtilities.CreateInstance<JobFunctions>(host.Services);
        var storage = host.Services.GetRequiredService<StorageInitializer>();
        await storage.StartAsync(default);
        if (!storage.IsReady)
        {
            throw new InvalidOperationException("storage not ready");
        }
        var elapsed = DateTime.Now - Process.GetCurrentProcess().StartTime;
        Console.WriteLine(elapsed.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture));
        await storage.StopAsync(default);
        return 0;
    }
}
