using FsCheck;
using FsCheck.Fluent;
using Tracker.Api;
using Tracker.Portfolios;

namespace Tracker.Tests.Unit;

/// <summary>The packed form of a project's update facts (<see cref="CompactHistory"/>) and its place in the project row.</summary>
public sealed class CompactHistoryTests
{
    private static readonly DateTimeOffset Origin = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private static Gen<double?> Number { get; } = Gen.OneOf(
        Gen.Constant<double?>(null),
        Gen.Choose(0, 100).Select(p => (double?)p),
        Gen.Choose(0, 1_000_000).Select(p => (double?)(p / 7.0)),
        Gen.Elements<double?>(0.1, 33.333333333333336, 1e15, 4_503_599_627_370_496d, 9_007_199_254_740_993d, -0.0, double.Epsilon, 123456789.125));

    private static Gen<UpdateFact> Fact { get; } =
        from seconds in Gen.Choose(0, 40_000_000)
        from lag in Gen.Choose(-100, 30_000_000)
        from percent in Number
        from spend in Number
        from budget in Number
        from priority in Gen.OneOf(Gen.Constant<Priority?>(null), Gen.Elements(Enum.GetValues<Priority>()).Select(p => (Priority?)p))
        from status in Gen.OneOf(Gen.Constant<ProjectStatus?>(null), Gen.Elements(Enum.GetValues<ProjectStatus>()).Select(s => (ProjectStatus?)s))
        from rag in Gen.OneOf(Gen.Constant<Rag?>(null), Gen.Elements(Enum.GetValues<Rag>()).Select(r => (Rag?)r))
        select new UpdateFact(Origin.AddSeconds(seconds).AddTicks(seconds % 7919), Origin.AddSeconds(seconds + lag).AddTicks(lag % 997),
            percent, spend, budget, priority, status, rag);

    [Fact]
    public void FactsComeBackBitForBitInTheirOrder()
    {
        Prop.ForAll(Fact.ListOf().Select(l => l.OrderBy(f => f.ReportedAt).ThenBy(f => f.RecordedAt).ToList()).ToArbitrary(), facts =>
        {
            var back = CompactHistory.Unpack(CompactHistory.Pack(facts));
            return back.Count == facts.Count && facts.Zip(back).All(p => Same(p.First, p.Second));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void WholeNumbersTakeAVarintAndOthersTheirEightBytes()
    {
        // 42 is one varint (2 bytes); 42.5 is a marker byte and its 8 bytes.
        var whole = CompactHistory.Pack([new UpdateFact(Origin, Origin, PercentComplete: 42)]);
        var fraction = CompactHistory.Pack([new UpdateFact(Origin, Origin, PercentComplete: 42.5)]);
        Assert.Equal(9 - 2, fraction.Length - whole.Length);
        Assert.True(double.IsNegative(CompactHistory.Unpack(CompactHistory.Pack([new UpdateFact(Origin, Origin, Spend: -0.0)]))[0].Spend!.Value));
    }

    [Fact]
    public void ALateUpdateIsMergedInHistoryOrderAndATieWithAStoredOneAsksForARebuild()
    {
        UpdateFact[] stored = [new(Origin, Origin, 10), new(Origin.AddDays(14), Origin.AddDays(14), 30)];
        var late = Row(Origin.AddDays(7), Origin.AddDays(20), "late", percent: 20);

        var merged = CompactHistory.Merge(stored, [late])!;
        Assert.Equal([10.0, 20.0, 30.0], merged.Select(f => f.PercentComplete!.Value));

        // The same row again (a retried write): its times tie with a stored fact, and only the Updates partition can
        // say whether it is one update or two.
        Assert.Null(CompactHistory.Merge(merged, [Row(Origin.AddDays(7), Origin.AddDays(20), "late", percent: 20)]));
    }

    [Fact]
    public void RowsOfOneWriteThatTieGoInThePartitionsOrder()
    {
        // Same reportedAt and recordedAt (an import's rows): the Updates partition reads them by id, newest first, and
        // the engine gets that order reversed — the greater id first.
        var merged = CompactHistory.Merge([], [Row(Origin, Origin, "imp-0001", percent: 1), Row(Origin, Origin, "imp-0002", percent: 2)])!;
        Assert.Equal([2.0, 1.0], merged.Select(f => f.PercentComplete!.Value));
    }

    [Fact]
    public void TenThousandUpdatesFitTheRowAndAHistoryThatWouldNotIsNotKept()
    {
        var weekly = Enumerable.Range(0, 10_000).Select(i => new UpdateFact(
            Origin.AddDays(i), Origin.AddDays(i).AddSeconds(37), PercentComplete: i % 101, Spend: 1000.0 * i + 0.25, Budget: i % 50 == 0 ? 500_000 + i : null,
            Status: i % 500 == 0 ? ProjectStatus.Active : null)).ToList();
        var project = new ProjectEntity();
        project.KeepFacts(weekly);
        var bytes = CompactHistory.Pack(weekly).Length;
        Assert.True(bytes < ProjectEntity.MaxHistoryBytes / 2, $"{bytes} bytes for 10,000 updates");
        Assert.Equal(10_000, project.HistoryCount);
        Assert.NotNull(project.History2);
        Assert.Equal(weekly.Count, project.Facts()!.Count);
        Assert.True(weekly.Zip(project.Facts()!).All(p => Same(p.First, p.Second)));

        var huge = Enumerable.Range(0, 30_000).Select(i => new UpdateFact(
            Origin.AddMinutes(i), Origin.AddDays(400), i / 3.0, i / 7.0, i / 11.0, Priority.High, ProjectStatus.Active, Rag.Amber)).ToList();
        project.KeepFacts(huge);
        Assert.True(CompactHistory.Pack(huge).Length > ProjectEntity.MaxHistoryBytes);
        Assert.Null(project.HistoryCount);
        Assert.True(project.HistoryTooLarge);
        Assert.Null(project.Facts());
        Assert.Null(project.History0);
    }

    [Fact]
    public void APendingWriteHidesTheHistoryUntilItsNoteIsTakenOff()
    {
        var project = new ProjectEntity();
        project.KeepFacts([new UpdateFact(Origin, Origin, 10)]);
        Assert.NotNull(project.KeptFacts());

        project.AddPending("u-1", Origin);
        project.AddPending("u-2", Origin.AddMinutes(20));
        Assert.Null(project.KeptFacts());
        Assert.True(project.RemovePending("u-1"));
        Assert.False(project.RemovePending("u-1"));
        Assert.Null(project.KeptFacts());
        project.DropPendingBefore(Origin.AddMinutes(30));
        Assert.Null(project.HistoryPending);
        Assert.Single(project.KeptFacts()!);
    }

    private static UpdateEntity Row(DateTimeOffset reportedAt, DateTimeOffset recordedAt, string id, double percent) =>
        ProgressRecorder.NewEntity("p", "x", new PostUpdateRequest { ReportedAt = reportedAt, PercentComplete = (decimal)percent }, "t", new RequestIdentity(id, recordedAt));

    private static bool Same(UpdateFact a, UpdateFact b) =>
        a.ReportedAt.UtcTicks == b.ReportedAt.UtcTicks && a.RecordedAt.UtcTicks == b.RecordedAt.UtcTicks
        && Bits(a.PercentComplete) == Bits(b.PercentComplete) && Bits(a.Spend) == Bits(b.Spend) && Bits(a.Budget) == Bits(b.Budget)
        && (a.Priority, a.Status, a.Rag) == (b.Priority, b.Status, b.Rag);

    private static long? Bits(double? value) => value is { } v ? BitConverter.DoubleToInt64Bits(v) : null;
}
