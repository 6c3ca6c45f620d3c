using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Tracker.Baselines;
using Tracker.Metrics;
using Tracker.Portfolios;

namespace Tracker.Bench;

/// <summary>
/// The pure metrics engine: one portfolio of P projects with U updates each, computed as of a day, on one thread.
/// Throughput is P x U divided by the mean time of one computation.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmark
{
    private static readonly DateOnly AsOf = new(2026, 3, 2);
    private readonly MetricsEngine _engine = new(new MetricsOptions(), new BaselineOptions());
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
    private List<ProjectHistory> _projects = [];

    [Params(2000)]
    public int Projects { get; set; }

    [Params(50)]
    public int UpdatesPerProject { get; set; }

    [GlobalSetup]
    public void Setup() => _projects = Generate(Projects, UpdatesPerProject, AsOf);

    [Benchmark]
    public MetricsResult ComputePortfolio() => _engine.Compute("bench", _projects, AsOf, _zone);

    /// <summary>Histories of weekly-ish updates over the year before D, in storage order (oldest first).</summary>
    /// <param name="withinDays">when set, the updates are spread over that many days before <paramref name="asOf"/>
    /// (about evenly, whatever their number); otherwise one every 1 to 14 days from a year before.</param>
    public static List<ProjectHistory> Generate(int projects, int updates, DateOnly asOf, int? withinDays = null)
    {
        var random = new Random(42);
        var maxStepHours = withinDays is { } days ? Math.Max(2, 2 * days * 24 / Math.Max(1, updates)) : 24 * 14;
        var minStepHours = withinDays is null ? 24 : 1;
        var end = new DateTimeOffset(asOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var list = new List<ProjectHistory>(projects);
        for (var p = 0; p < projects; p++)
        {
            var facts = new UpdateFact[updates];
            var at = end.AddDays(-365);
            var percent = 0.0;
            for (var u = 0; u < updates; u++)
            {
                at = at.AddHours(random.Next(minStepHours, maxStepHours));
                percent = Math.Min(100, percent + random.NextDouble() * 4);
                facts[u] = new UpdateFact(at, at, percent, Spend: u * 1000.0,
                    Budget: u % 10 == 0 ? 100_000 + u * 1000 : null, Priority: u % 17 == 0 ? (Priority)(u % 4) : null);
            }
            list.Add(new ProjectHistory($"p{p}", (Category)(p % 3), asOf.AddDays(-400), asOf.AddDays(200), p % 2 == 0, "NPS", p % 3 == 0 ? "cost" : null,
                ProjectStatus.Active, Priority.Medium, 100_000, 0, 0, facts));
        }
        return list;
    }

    public static void Run()
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<EngineBenchmark>(config);
        foreach (var report in summary.Reports)
        {
            var parameters = report.BenchmarkCase.Parameters;
            var updates = (int)parameters["Projects"] * (int)parameters["UpdatesPerProject"];
            var seconds = report.ResultStatistics!.Mean / 1e9;
            Console.WriteLine($"engine: {updates:N0} updates in {seconds * 1000:F1} ms (mean) = {updates / seconds:N0} updates/s on one thread (goal >= 1,000,000)");
        }
    }
}
