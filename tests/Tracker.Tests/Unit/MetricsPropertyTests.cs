using FsCheck;
using FsCheck.Fluent;
using Tracker.Baselines;
using Tracker.Metrics;
using Tracker.Portfolios;

namespace Tracker.Tests.Unit;

/// <summary>Invariants of the engine over generated portfolios and histories (FsCheck).</summary>
public sealed class MetricsPropertyTests
{
    private static readonly MetricsEngine Engine = new(new MetricsOptions(), new BaselineOptions());
    private static readonly DateOnly D = new(2026, 3, 2);
    private static readonly DateTimeOffset Origin = new(2025, 10, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Random histories: 0-40 updates each within ~6 months around D, any subset of fields, many ties.</summary>
    public static Gen<ProjectHistory> Projects { get; } =
        from id in Gen.Choose(0, 1_000_000)
        from category in Gen.Elements(Category.Cloud, Category.Crm, Category.Ai)
        from status in Gen.Elements(ProjectStatus.Active, ProjectStatus.Active, ProjectStatus.Proposed, ProjectStatus.OnHold, ProjectStatus.Completed)
        from priority in Gen.Elements(Enum.GetValues<Priority>())
        from startOffset in Gen.Choose(-200, 30)
        from targetOffset in Gen.Choose(-10, 300)
        from hasTarget in Gen.Elements(true, true, false)
        from budget in Gen.Choose(0, 5).Select(b => b * 50_000.0)
        from customer in Gen.Elements(true, false)
        from kpi in Gen.Elements<string?>(null, "", "NPS")
        from measure in Gen.Elements<string?>(null, "churn cost")
        from count in Gen.Choose(0, 40)
        from updates in Update.ListOf(count)
        select new ProjectHistory(
            $"p{id}", category, D.AddDays(startOffset), hasTarget ? D.AddDays(startOffset + targetOffset) : null, customer, kpi, measure,
            status, priority, budget, 0, 0, [.. updates]);

    private static Gen<UpdateFact> Update { get; } =
        from minutes in Gen.Choose(0, 260_000)
        from tie in Gen.Choose(0, 3)
        from percent in Gen.OneOf(Gen.Constant<double?>(null), Gen.Choose(0, 100).Select(p => (double?)p))
        from spend in Gen.OneOf(Gen.Constant<double?>(null), Gen.Choose(0, 400).Select(s => (double?)(s * 1000)))
        from budget in Gen.OneOf(Gen.Constant<double?>(null), Gen.Choose(0, 6).Select(b => (double?)(b * 50_000)))
        from priority in Gen.OneOf(Gen.Constant<Priority?>(null), Gen.Elements(Enum.GetValues<Priority>()).Select(p => (Priority?)p))
        from status in Gen.OneOf(Gen.Constant<ProjectStatus?>(null), Gen.Elements(Enum.GetValues<ProjectStatus>()).Select(s => (ProjectStatus?)s))
        from rag in Gen.OneOf(Gen.Constant<Rag?>(null), Gen.Elements(Enum.GetValues<Rag>()).Select(r => (Rag?)r))
        from recordedSeconds in Gen.Choose(0, 1_000_000)
        let reported = Origin.AddMinutes(minutes - minutes % (tie == 0 ? 1440 : 1))
        select new UpdateFact(reported, reported.AddSeconds(recordedSeconds), percent, spend, budget, priority, status, rag);

    private static Gen<List<ProjectHistory>> Portfolios { get; } = Gen.Choose(0, 12).SelectMany(n => Projects.ListOf(n)).Select(l => l.ToList());

    [Fact]
    public void EveryRateIsAFractionOrNoData()
    {
        Prop.ForAll(Portfolios.ToArbitrary(), projects =>
        {
            var p = Engine.Compute("pf", projects, D, TimeZoneInfo.Utc).Portfolio;
            return p.Rates.All().All(r => r.Rate.Value is null
                ? r.Rate.Standing == Standing.NoData && r.Rate.GapPoints is null
                : r.Rate.Value >= 0 && r.Rate.Value <= 1 && r.Rate.Standing != Standing.NoData)
                && p.OnTrackShare is null or (>= 0 and <= 1)
                && p.ActiveProjects == (p.Counts.ByRag.Values.Sum());
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TheOrderInWhichUpdatesAreGivenChangesNothing()
    {
        var shuffles = from projects in Portfolios from seed in Gen.Choose(0, int.MaxValue - 1) select (projects, seed);
        Prop.ForAll(shuffles.ToArbitrary(), input =>
        {
            var (projects, seed) = input;
            var random = new Random(seed);
            var shuffled = projects.Select(p => p with { Updates = [.. p.Updates.OrderBy(_ => random.Next())] }).ToList();
            var expected = Engine.Compute("pf", projects, D, TimeZoneInfo.Utc);
            var actual = Engine.Compute("pf", shuffled, D, TimeZoneInfo.Utc);
            return Same(expected, actual);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ASnapshotRowGivesBackExactlyTheMetricsItWasWrittenFrom()
    {
        Prop.ForAll(Portfolios.ToArbitrary(), projects =>
        {
            var result = Engine.Compute("pf", projects, D, TimeZoneInfo.Utc);
            var portfolio = PortfolioSnapshotEntity.ToMetrics(PortfolioSnapshotEntity.From(result.Portfolio, Origin));
            var rows = result.Projects.Select(m => ProjectSnapshotEntity.From("pf", m, Origin).ToMetrics()).ToList();
            return Same(result, new MetricsResult(portfolio, rows));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void AttentionScoresStayWithinZeroAndOneHundred()
    {
        Prop.ForAll(Projects.ToArbitrary(), project =>
        {
            var m = Engine.ComputeProject(project, D, TimeZoneInfo.Utc);
            return m.AttentionScore is >= 0 and <= 100 && m.DaysSinceUpdate >= 0 && (m.PlannedPercent is null or (>= 0 and <= 100));
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>Records with dictionaries compare by reference; compare their contents.</summary>
    internal static bool Same(MetricsResult a, MetricsResult b) =>
        a.Projects.SequenceEqual(b.Projects)
        && a.Portfolio with { Counts = null! } == b.Portfolio with { Counts = null! }
        && a.Portfolio.Counts.ByStatus.OrderBy(kv => kv.Key).SequenceEqual(b.Portfolio.Counts.ByStatus.OrderBy(kv => kv.Key))
        && a.Portfolio.Counts.ByRag.OrderBy(kv => kv.Key).SequenceEqual(b.Portfolio.Counts.ByRag.OrderBy(kv => kv.Key))
        && (a.Portfolio.Counts.Stale, a.Portfolio.Counts.Slipping) == (b.Portfolio.Counts.Stale, b.Portfolio.Counts.Slipping);
}
