using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracker.Jobs;
using Tracker.Metrics;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>
/// The ComputeMetrics fan-out over many portfolios: a run enqueues one message per portfolio, then one consumer, or two
/// consumers at once (two app instances over the same Azurite, as two servers or two Functions instances would be),
/// work the queue off. Prints the time from enqueue to the last portfolio done, for each.
/// </summary>
public static class FanoutBench
{
    public static async Task RunAsync(int portfolioCount, int projectsPerPortfolio, int updatesPerProject, int rounds)
    {
        Console.WriteLine($"fan-out benchmark: {portfolioCount} portfolios x {projectsPerPortfolio} projects x {updatesPerProject} updates, {rounds} rounds, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        using var a = await StartAsync(azurite);
        using var b = await StartAsync(azurite);
        var tables = new RawTables(azurite.ConnectionString);

        var seed = Stopwatch.StartNew();
        var ids = Enumerable.Range(1, portfolioCount).Select(i => $"p{i:0000}").ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (id, _) => await JobBench.SeedAsync(a.Services, tables, id, projectsPerPortfolio, updatesPerProject));
        Console.WriteLine($"  seeded {portfolioCount * projectsPerPortfolio * updatesPerProject:N0} updates in {seed.Elapsed.TotalSeconds:F1} s");

        // Warm-up (JIT of both instances, Azurite's indexes, today's snapshots written once), not measured.
        await RunAsync(a, [a]);
        await RunAsync(a, [b]);

        double oneTotal = 0, twoTotal = 0;
        for (var round = 1; round <= rounds; round++)
        {
            var one = await RunAsync(a, [a]);
            var two = await RunAsync(a, [a, b]);
            oneTotal += one.Total;
            twoTotal += two.Total;
            Console.WriteLine($"  round {round}: one consumer {one.Total:F1} s (enqueue {one.Enqueue:F1} s)   two consumers {two.Total:F1} s (enqueue {two.Enqueue:F1} s)   speed-up {one.Total / two.Total:F2}");
        }
        Console.WriteLine($"one consumer:  {oneTotal / rounds:F1} s per run ({portfolioCount / (oneTotal / rounds):F1} portfolios/s)");
        Console.WriteLine($"two consumers: {twoTotal / rounds:F1} s per run ({portfolioCount / (twoTotal / rounds):F1} portfolios/s)");
        Console.WriteLine($"speed-up two / one: {oneTotal / twoTotal:F2}");
    }

    /// <summary>One run: enqueue through the first instance, then the consumers drain the queue at once.</summary>
    private static async Task<(double Enqueue, double Total)> RunAsync(IHost enqueuer, IHost[] consumers)
    {
        var job = enqueuer.Services.GetRequiredService<ComputeMetricsJob>();
        var stopwatch = Stopwatch.StartNew();
        var run = await enqueuer.Services.GetRequiredService<JobRunner>().EnqueueAsync(job, "bench", null, default)
            ?? throw new InvalidOperationException("The run was skipped.");
        var enqueue = stopwatch.Elapsed.TotalSeconds;
        await Task.WhenAll(consumers.Select(c => c.Services.GetRequiredService<JobQueueConsumer>().DrainAsync(c.Services.GetRequiredService<ComputeMetricsJob>(), default)));
        var total = stopwatch.Elapsed.TotalSeconds;
        var done = await enqueuer.Services.GetRequiredService<JobRunner>().FindAsync(job.Name, run.Id, default);
        if (done is not { Outcome: JobOutcome.Succeeded } || done.Portfolios.Completed != run.Portfolios.Enqueued)
        {
            throw new InvalidOperationException($"The run did not complete every portfolio: {done?.Outcome} {done?.Portfolios}");
        }
        return (enqueue, total);
    }

    private static async Task<IHost> StartAsync(Azurite azurite)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Tracker:BootstrapAdminKey"] = "bench-admin-key-fanout-0123456789abcdef0123",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddTracker();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
