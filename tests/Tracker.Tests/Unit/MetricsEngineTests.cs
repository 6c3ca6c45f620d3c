using Tracker.Baselines;
using Tracker.Metrics;
using Tracker.Portfolios;

namespace Tracker.Tests.Unit;

/// <summary>
/// Every metric and edge case of the metric definitions, with the expected values worked out by hand in comments.
/// Unless a test says otherwise: time zone UTC, D = 2026-03-02, so the cutoff is 2026-03-03T00:00Z, the current
/// window [2026-02-03, 2026-03-03), the previous one [2026-01-06, 2026-02-03), and the 90-day lookback 2025-12-03.
/// </summary>
public sealed class MetricsEngineTests
{
    private static readonly DateOnly D = new(2026, 3, 2);
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private readonly MetricsEngine _engine = new(new MetricsOptions(), new BaselineOptions());

    internal static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc + (utc.EndsWith('Z') ? "" : "Z"), System.Globalization.CultureInfo.InvariantCulture);

    internal static UpdateFact U(string at, double? percent = null, double? spend = null, double? budget = null,
        Priority? priority = null, ProjectStatus? status = null, Rag? rag = null, string? recorded = null) =>
        new(At(at), At(recorded ?? at), percent, spend, budget, priority, status, rag);

    internal static ProjectHistory Project(string id = "p", Category category = Category.Cloud, string start = "2026-01-01",
        string? target = "2026-05-01", bool customer = false, string? kpi = null, string? measure = null,
        ProjectStatus status = ProjectStatus.Active, Priority priority = Priority.Medium, double budget = 100_000,
        double spend = 0, double percent = 0, params UpdateFact[] updates) =>
        new(id, category, DateOnly.Parse(start), target is null ? null : DateOnly.Parse(target), customer, kpi, measure,
            status, priority, budget, spend, percent, updates);

    /// <summary>The worked example: a steady 10 points a week now, 5 a week in the window before.</summary>
    private static ProjectHistory Steady(bool customer = true) => Project(customer: customer, updates:
    [
        U("2026-01-20T00:00:00", percent: 10),             // previous window, x = 2 weeks after 2026-01-06
        U("2026-02-10T00:00:00", percent: 20),             // current window, x = 1 week after 2026-02-03
        U("2026-02-17T00:00:00", percent: 30, spend: 50_000),
        U("2026-02-24T00:00:00", percent: 40),
    ]);

    [Fact]
    public void TheWorkedExampleGivesEveryProjectMetric()
    {
        var m = _engine.ComputeProject(Steady(), D, Utc);

        Assert.True(m.Active);
        Assert.Equal(40, m.PercentComplete);
        // plannedPercent: (Mar 2 - Jan 1) / (May 1 - Jan 1) = 60 / 120 days = 50%; scheduleVariance 40 - 50.
        Assert.Equal(50, m.PlannedPercent!.Value, 9);
        Assert.Equal(-10, m.ScheduleVariance!.Value, 9);
        // velocity: anchor (0 weeks, 10%) then (1, 20), (2, 30), (3, 40): a straight line of 10 points a week.
        Assert.Equal(10, m.Velocity!.Value, 9);
        // previousVelocity: anchor (0, 0%) at 2026-01-06 and (2 weeks, 10%): 5 points a week.
        Assert.Equal(5, m.PreviousVelocity!.Value, 9);
        // accelerating: 10 > 5 + 0.5.
        Assert.True(m.Accelerating);
        // forecast: D + ceil(7 * (100 - 40) / 10) = D + 42 days = 2026-04-13; slip: Apr 13 - May 1 = -18 days.
        Assert.Equal(new DateOnly(2026, 4, 13), m.ForecastCompletion);
        Assert.Equal(-18, m.SlipDays);
        // costPerformance: 40% of 100,000 earned for 50,000 spent = 0.8 (not below 0.8, so not red).
        Assert.Equal(0.8, m.CostPerformance!.Value, 9);
        // daysSinceUpdate: Mar 2 - Feb 24 = 6.
        Assert.Equal(6, m.DaysSinceUpdate);
        // rag: no override; slip -18 is fine, cpi 0.8 < 0.95 makes it amber.
        Assert.Equal(Rag.Amber, m.Rag);
        Assert.False(m.PriorityRaised);
        Assert.False(m.InvestmentIncreased);
        // attentionScore: medium 25 + customer 10 + slip 0 + 10 * 6 / 30 = 2 + not red 0 = 37.
        Assert.Equal(37, m.AttentionScore, 9);
    }

    [Fact]
    public void PriorityAndBudgetAreComparedWithTheirValuesNinetyDaysBefore()
    {
        var p = Project(priority: Priority.Low, budget: 100, updates:
        [
            U("2025-11-01T00:00:00", priority: Priority.Medium, budget: 200), // before the lookback: the baseline values
            U("2026-01-15T00:00:00", budget: 250),
            U("2026-02-01T00:00:00", priority: Priority.High),
        ]);
        var m = _engine.ComputeProject(p, D, Utc);
        // medium (at 2025-12-03) -> high; 200 -> 250.
        Assert.True(m.PriorityRaised);
        Assert.True(m.InvestmentIncreased);
        Assert.Equal(Priority.High, m.Priority);
        Assert.Equal(250, m.Budget);
    }

    [Fact]
    public void AnUpdateExactlyAtTheLookbackInstantCountsAsAfterIt()
    {
        // The value at t comes from updates with reportedAt < t, so an update at 2025-12-03T00:00Z is not yet in it.
        var p = Project(priority: Priority.Low, budget: 100, updates: [U("2025-12-03T00:00:00", priority: Priority.High, budget: 300)]);
        var m = _engine.ComputeProject(p, D, Utc);
        Assert.True(m.PriorityRaised);
        Assert.True(m.InvestmentIncreased);

        var before = Project(priority: Priority.Low, budget: 100, updates: [U("2025-12-02T23:59:59", priority: Priority.High, budget: 300)]);
        var n = _engine.ComputeProject(before, D, Utc);
        Assert.False(n.PriorityRaised);
        Assert.False(n.InvestmentIncreased);
    }

    [Fact]
    public void ARagOverrideHoldsForFourteenDaysThenTheRulesApply()
    {
        // Override reported 2026-02-20: within [2026-02-17, cutoff), so the project is red whatever the rules say.
        var recent = Project(updates: [U("2026-02-20T00:00:00", percent: 50, rag: Rag.Red)]);
        Assert.Equal(Rag.Red, _engine.ComputeProject(recent, D, Utc).Rag);

        // Reported 2026-02-10: expired. Rules: no velocity (one point after the anchor gives a slope, see below), so
        // check by hand: anchor (0, 0) at 2026-02-03 and (1 week, 50) -> 50 pts/week; forecast D + ceil(7*50/50) = D+7
        // = 2026-03-09, before May 1; no spend; updated 20 days ago (> 14) -> amber.
        var expired = Project(updates: [U("2026-02-10T00:00:00", percent: 50, rag: Rag.Red)]);
        var m = _engine.ComputeProject(expired, D, Utc);
        Assert.Equal(50, m.Velocity!.Value, 9);
        Assert.Equal(20, m.DaysSinceUpdate);
        Assert.Equal(Rag.Amber, m.Rag);
    }

    [Theory]
    [InlineData("2026-03-20", Rag.Red)]
    public void ACostOverrunTurnsASlippingProjectRed(string target, Rag expected)
    {
        // Steady project: forecast 2026-04-13. Target 2026-03-20 -> slip 24 days, amber on its own (0 < 24 <= 30);
        // spend 60,000 for 40% of 100,000 gives cpi 0.667 < 0.8 -> red.
        var p = Steady() with { TargetDate = DateOnly.Parse(target), InitialSpend = 0 };
        var updates = p.Updates.Select(u => u.Spend is null ? u : u with { Spend = 60_000 }).ToArray();
        var m = _engine.ComputeProject(p with { Updates = updates }, D, Utc);
        Assert.Equal(24, m.SlipDays);
        Assert.Equal(0.4 * 100_000 / 60_000, m.CostPerformance!.Value, 9);
        Assert.Equal(expected, m.Rag);
    }

    [Fact]
    public void SlipAloneDecidesBetweenAmberAndRed()
    {
        // No spend, so no cpi; updated 6 days ago. Forecast 2026-04-13.
        var noSpend = Steady();
        noSpend = noSpend with { Updates = [.. noSpend.Updates.Select(u => u with { Spend = null })] };
        Assert.Equal(Rag.Green, _engine.ComputeProject(noSpend with { TargetDate = new DateOnly(2026, 4, 13) }, D, Utc).Rag); // slip 0
        Assert.Equal(Rag.Amber, _engine.ComputeProject(noSpend with { TargetDate = new DateOnly(2026, 4, 12) }, D, Utc).Rag); // slip 1
        Assert.Equal(Rag.Amber, _engine.ComputeProject(noSpend with { TargetDate = new DateOnly(2026, 3, 14) }, D, Utc).Rag); // slip 30
        var red = _engine.ComputeProject(noSpend with { TargetDate = new DateOnly(2026, 3, 13) }, D, Utc); // slip 31
        Assert.Equal(Rag.Red, red.Rag);
        // attention: medium 25 + customer 10 + 20 * 31 / 90 + 10 * 6 / 30 + red 5.
        Assert.Equal(25 + 10 + 20.0 * 31 / 90 + 2 + 5, red.AttentionScore, 9);
    }

    [Fact]
    public void UpdatesGivenInAnyOrderGiveTheSameMetrics()
    {
        var p = Steady();
        var reversed = p with { Updates = [.. p.Updates.Reverse()] };
        Assert.Equal(_engine.ComputeProject(p, D, Utc), _engine.ComputeProject(reversed, D, Utc));
    }

    [Fact]
    public void SameInstantUpdatesGoToTheOneRecordedLast()
    {
        var p = Project(updates:
        [
            U("2026-02-20T09:00:00", percent: 45, recorded: "2026-02-21T10:00:00"),
            U("2026-02-20T09:00:00", percent: 35, recorded: "2026-02-20T10:00:00"),
        ]);
        Assert.Equal(45, _engine.ComputeProject(p, D, Utc).PercentComplete);
    }

    [Fact]
    public void SeveralUpdatesOnOneDayAllCountInTheSlope()
    {
        // Anchor (0, 0); (2 weeks, 10) and (2 weeks + 12 h, 20): x = 2 and 2.0714286.
        var p = Project(updates: [U("2026-02-17T00:00:00", percent: 10), U("2026-02-17T12:00:00", percent: 20)]);
        var x1 = 2.0;
        var x2 = 2 + 0.5 / 7;
        double[] xs = [0, x1, x2], ys = [0, 10, 20];
        var mx = xs.Average();
        var my = ys.Average();
        var slope = xs.Zip(ys).Sum(t => (t.First - mx) * (t.Second - my)) / xs.Sum(x => (x - mx) * (x - mx));
        var m = _engine.ComputeProject(p, D, Utc);
        Assert.Equal(slope, m.Velocity!.Value, 9);
        Assert.Equal(20, m.PercentComplete);
        Assert.Equal(13, m.DaysSinceUpdate); // Mar 2 - Feb 17
    }

    [Fact]
    public void PercentGoingDownGivesANegativeVelocityAndNoForecast()
    {
        // Re-planning: 40% -> 30%. Anchor (0, 40) at 2026-02-03 (set 2026-01-20), then (1 week, 30): -10 / week.
        var p = Project(updates: [U("2026-01-20T00:00:00", percent: 40), U("2026-02-10T00:00:00", percent: 30)]);
        var m = _engine.ComputeProject(p, D, Utc);
        Assert.Equal(-10, m.Velocity!.Value, 9);
        Assert.Null(m.ForecastCompletion);
        Assert.Null(m.SlipDays);
        Assert.Equal(30, m.PercentComplete);
    }

    [Fact]
    public void WithoutUpdatesInAWindowThereIsNoVelocity()
    {
        var p = Project(updates: [U("2025-12-20T00:00:00", percent: 40)]);
        var m = _engine.ComputeProject(p, D, Utc);
        Assert.Null(m.Velocity);
        Assert.Null(m.PreviousVelocity);
        Assert.Null(m.Accelerating);
        Assert.Null(m.ForecastCompletion);
        // Last update 2025-12-20: 72 days ago -> red (> 30).
        Assert.Equal(72, m.DaysSinceUpdate);
        Assert.Equal(Rag.Red, m.Rag);
    }

    [Fact]
    public void AnUpdateOnlyAtTheAnchorInstantGivesNoDistinctTimes()
    {
        var p = Project(updates: [U("2026-02-03T00:00:00", percent: 40)]);
        Assert.Null(_engine.ComputeProject(p, D, Utc).Velocity);
    }

    [Fact]
    public void ACompleteProjectIsForecastOnDAndItsSlipIsMeasuredFromThere()
    {
        var p = Project(target: "2026-02-20", updates: [U("2026-02-25T00:00:00", percent: 100)]);
        var m = _engine.ComputeProject(p, D, Utc);
        Assert.Equal(D, m.ForecastCompletion);
        Assert.Equal(10, m.SlipDays); // Mar 2 - Feb 20
        Assert.Equal(100, m.PlannedPercent); // clamped at 1
    }

    [Fact]
    public void WithoutAUsableTargetThereIsNoPlanOrSlip()
    {
        Assert.Null(_engine.ComputeProject(Steady() with { TargetDate = null }, D, Utc).PlannedPercent);
        var same = _engine.ComputeProject(Steady() with { TargetDate = new DateOnly(2026, 1, 1) }, D, Utc);
        Assert.Null(same.PlannedPercent);
        Assert.Null(same.ScheduleVariance);
    }

    [Fact]
    public void ZeroBudgetOrSpendGivesNoCostPerformance()
    {
        Assert.Null(_engine.ComputeProject(Project(budget: 0, spend: 10, percent: 50), D, Utc).CostPerformance);
        Assert.Null(_engine.ComputeProject(Project(budget: 10, spend: 0, percent: 50), D, Utc).CostPerformance);
    }

    [Fact]
    public void AnUpdateThatSetsSomeFieldsLeavesTheOthers()
    {
        var p = Project(priority: Priority.High, budget: 500, spend: 100, percent: 5, updates:
        [
            U("2026-02-01T00:00:00", spend: 200),
            U("2026-02-15T00:00:00", percent: 25),
        ]);
        var m = _engine.ComputeProject(p, D, Utc);
        Assert.Equal((25.0, 200.0, 500.0, Priority.High), (m.PercentComplete, m.Spend, m.Budget, m.Priority));
    }

    [Fact]
    public void WithoutAnyUpdateDaysSinceUpdateCountsFromTheStartAndNeverBelowZero()
    {
        Assert.Equal(60, _engine.ComputeProject(Project(start: "2026-01-01"), D, Utc).DaysSinceUpdate);
        Assert.Equal(0, _engine.ComputeProject(Project(start: "2026-04-01"), D, Utc).DaysSinceUpdate);
    }

    [Fact]
    public void TheCutoffIsMidnightInThePortfoliosTimeZone()
    {
        var amsterdam = Common.TimeZones.TryFind("Europe/Amsterdam")!;
        // D = 2026-03-02 in Amsterdam ends at 2026-03-02T23:00Z (CET, +01:00).
        var p = Project(updates: [U("2026-03-02T22:59:59", percent: 30), U("2026-03-02T23:00:00", percent: 90)]);
        var m = _engine.ComputeProject(p, D, amsterdam);
        Assert.Equal(30, m.PercentComplete);
        Assert.Equal(0, m.DaysSinceUpdate); // 23:59:59 local on Mar 2
        // In UTC the 23:00Z update is still on Mar 2.
        Assert.Equal(90, _engine.ComputeProject(p, D, Utc).PercentComplete);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 23, 0, 0, TimeSpan.Zero), MetricsEngine.Cutoff(D, amsterdam));
    }

    [Fact]
    public void AcrossTheDaylightSavingChangeTheCutoffFollowsLocalMidnight()
    {
        var amsterdam = Common.TimeZones.TryFind("Europe/Amsterdam")!;
        // 2026-03-29 has 23 hours: it ends at 2026-03-30T00:00+02:00 = 2026-03-29T22:00Z.
        var d = new DateOnly(2026, 3, 29);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero), MetricsEngine.Cutoff(d, amsterdam));
        var p = Project(updates: [U("2026-03-29T21:30:00", percent: 30), U("2026-03-29T22:30:00", percent: 35)]);
        Assert.Equal(30, _engine.ComputeProject(p, d, amsterdam).PercentComplete);
        // The next day, the 22:30Z update (00:30 local on Mar 30) is 0 days old.
        var next = _engine.ComputeProject(p, d.AddDays(1), amsterdam);
        Assert.Equal(35, next.PercentComplete);
        Assert.Equal(0, next.DaysSinceUpdate);
        // Autumn: 2026-10-25 has 25 hours and ends at 2026-10-25T23:00Z.
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 23, 0, 0, TimeSpan.Zero), MetricsEngine.Cutoff(new DateOnly(2026, 10, 25), amsterdam));
    }

    [Fact]
    public void AProjectStartingAfterDIsNotActiveAndNotCounted()
    {
        var result = _engine.Compute("pf", [Steady(), Project(id: "later", start: "2026-03-03")], D, Utc);
        Assert.Equal(1, result.Portfolio.ActiveProjects);
        Assert.False(result.Projects[1].Active);
        Assert.Equal(1, result.Portfolio.Counts.ByStatus["active"]);
    }

    [Fact]
    public void AProjectCompletedBeforeDIsNotActiveButCountedByStatus()
    {
        var done = Project(id: "done", updates: [U("2026-02-01T00:00:00", percent: 100, status: ProjectStatus.Completed)]);
        var result = _engine.Compute("pf", [Steady(), done], D, Utc);
        Assert.Equal(1, result.Portfolio.ActiveProjects);
        Assert.Equal(1, result.Portfolio.Counts.ByStatus["completed"]);
        Assert.Equal(1, result.Portfolio.Counts.ByStatus["active"]);
        // Completed on Feb 1 but active as of Jan 31.
        Assert.True(_engine.ComputeProject(done, new DateOnly(2026, 1, 31), Utc).Active);
    }

    [Fact]
    public void APortfolioWithoutActiveProjectsHasNoDataRatherThanZero()
    {
        var result = _engine.Compute("pf", [Project(status: ProjectStatus.OnHold)], D, Utc).Portfolio;
        Assert.Equal(0, result.ActiveProjects);
        Assert.All(result.Rates.All(), r =>
        {
            Assert.Null(r.Rate.Value);
            Assert.Null(r.Rate.GapPoints);
            Assert.Equal(Standing.NoData, r.Rate.Standing);
        });
        Assert.Null(result.MeanVelocity);
        Assert.Null(result.MedianSlipDays);
        Assert.Null(result.OnTrackShare);
        Assert.Equal(1, result.Counts.ByStatus["onHold"]);
    }

    [Fact]
    public void PortfolioRatesAreSharesOfTheActiveProjectsAgainstTheBaselines()
    {
        // Four active projects and one proposed (ignored by every rate):
        //  a: cloud, high, budget 300, customer, KPI and measure, accelerating (Steady)
        //  b: crm, low, budget 100, raised from low to medium? no: stays low; budget raised 100 -> 100 (not raised)
        //  c: crm, medium raised to critical on 2026-02-01, budget 50 -> 100 on 2026-01-10, customer, KPI only
        //  d: ai, medium, budget 0, no updates (no velocity)
        var a = Steady() with { Id = "a", InitialPriority = Priority.High, InitialBudget = 300, CustomerKpi = "NPS", FinancialMeasure = "churn" };
        var b = Project(id: "b", category: Category.Crm, priority: Priority.Low, budget: 100, updates:
            [U("2026-01-20T00:00:00", percent: 10), U("2026-02-10T00:00:00", percent: 12)]);
        var c = Project(id: "c", category: Category.Crm, budget: 50, customer: true, kpi: "NPS", updates:
            [U("2026-01-10T00:00:00", budget: 100), U("2026-02-01T00:00:00", priority: Priority.Critical)]);
        var d = Project(id: "d", category: Category.Ai, budget: 0);
        var proposed = Project(id: "e", status: ProjectStatus.Proposed, priority: Priority.Critical);
        var p = _engine.Compute("pf", [a, b, c, d, proposed], D, Utc).Portfolio;

        Assert.Equal(4, p.ActiveProjects);
        // priority: a (high) and c (critical) = 2/4 = 0.5; baseline 0.62 -> gap -12 points, behind.
        Assert.Equal(0.5, p.Rates.Priority.Value!.Value, 9);
        Assert.Equal(-12, p.Rates.Priority.GapPoints!.Value, 9);
        Assert.Equal(Standing.Behind, p.Rates.Priority.Standing);
        // by budget: (300 + 100) / (300 + 100 + 100 + 0) = 0.8; gap +18, ahead.
        Assert.Equal(0.8, p.Rates.PriorityByBudget.Value!.Value, 9);
        Assert.Equal(Standing.Ahead, p.Rates.PriorityByBudget.Standing);
        // acceleration: a accelerates (10 > 5.5); b: current anchor (0, 10), (1, 12) = 2/week, previous anchor
        // (0, 0), (2, 10) = 5/week -> not; c and d have no velocity. 1 of 2 = 0.5.
        Assert.Equal(0.5, p.Rates.Acceleration.Value!.Value, 9);
        // investment: only c (50 -> 100) = 1/4; by budget 100 / 500 = 0.2.
        Assert.Equal(0.25, p.Rates.Investment.Value!.Value, 9);
        Assert.Equal(0.2, p.Rates.InvestmentByBudget.Value!.Value, 9);
        // customerEngagement: a and c = 0.5; customerOutcomeLink: only a has both = 0.25.
        Assert.Equal(0.5, p.Rates.CustomerEngagement.Value!.Value, 9);
        Assert.Equal(0.25, p.Rates.CustomerOutcomeLink.Value!.Value, 9);
        // categories: cloud 1/4, crm 2/4, ai 1/4.
        Assert.Equal((0.25, 0.5, 0.25), (p.Rates.Cloud.Value!.Value, p.Rates.Crm.Value!.Value, p.Rates.Ai.Value!.Value));
        // cloud 0.25 vs 0.48: gap -23 points.
        Assert.Equal(-23, p.Rates.Cloud.GapPoints!.Value, 9);
        // meanVelocity over a (10) and b (2) = 6.
        Assert.Equal(6, p.MeanVelocity!.Value, 9);
        // byStatus counts every project started by D, whatever its status; byRag only the active ones.
        Assert.Equal(1, p.Counts.ByStatus["proposed"]);
        Assert.Equal(4, p.Counts.ByStatus["active"]);
        Assert.Equal(4, p.Counts.ByRag.Values.Sum());
    }

    [Fact]
    public void WhenActiveBudgetsSumToZeroTheBudgetWeightedRatesHaveNoData()
    {
        // Two active projects without budget: 1 of 2 is high -> priority 0.5, but by budget 0 / 0 -> no data.
        var p = _engine.Compute("pf", [Project(id: "a", budget: 0, priority: Priority.High), Project(id: "b", budget: 0)], D, Utc).Portfolio;
        Assert.Equal(0.5, p.Rates.Priority.Value);
        Assert.Equal(Standing.NoData, p.Rates.PriorityByBudget.Standing);
        Assert.Null(p.Rates.PriorityByBudget.Value);
        Assert.Equal(Standing.NoData, p.Rates.InvestmentByBudget.Standing);
        Assert.Equal(0, p.Rates.Investment.Value);
        Assert.Equal(Standing.Behind, p.Rates.Investment.Standing);
    }

    [Theory]
    [InlineData(0.646, Standing.Ahead)]   // +2.6 points
    [InlineData(0.645, Standing.OnPar)]   // +2.5 points is not more than 2.5
    [InlineData(0.62, Standing.OnPar)]
    [InlineData(0.595, Standing.OnPar)]   // -2.5
    [InlineData(0.594, Standing.Behind)]  // -2.6
    public void StandingHasABandOfTwoAndAHalfPoints(double value, Standing expected)
    {
        var rate = _engine.Rate(value, 0.62);
        Assert.Equal(expected, rate.Standing);
        Assert.Equal(100 * (value - 0.62), rate.GapPoints!.Value, 9);
    }

    [Fact]
    public void TheAttentionScoreIsCappedAtOneHundred()
    {
        // critical 55 + customer 10 + slip >= 90 days 20 + stale >= 30 days 10 + red 5 = 100 exactly; more weight is capped.
        var p = Project(priority: Priority.Critical, customer: true, target: "2026-01-02", start: "2026-01-01",
            updates: [U("2025-12-10T00:00:00", percent: 1), U("2026-01-01T00:00:00", percent: 2)]);
        var engine = new MetricsEngine(new MetricsOptions { RedBonus = 50 }, new BaselineOptions());
        Assert.Equal(100, engine.ComputeProject(p, D, Utc).AttentionScore);
    }

    [Fact]
    public void MedianSlipAndOnTrackShareAreOverActiveProjects()
    {
        // Three Steady projects with targets giving slips -18, +2 and +12: median 2; slipping 2; green only the first.
        var early = Steady(customer: false) with { Id = "x", Updates = [.. Steady().Updates.Select(u => u with { Spend = null })] };
        var slightly = early with { Id = "y", TargetDate = new DateOnly(2026, 4, 11) };
        var late = early with { Id = "z", TargetDate = new DateOnly(2026, 4, 1) };
        var p = _engine.Compute("pf", [early, slightly, late], D, Utc).Portfolio;
        Assert.Equal(2, p.MedianSlipDays);
        Assert.Equal(2, p.Counts.Slipping);
        Assert.Equal(1.0 / 3, p.OnTrackShare!.Value, 9);
        Assert.Equal(1, p.Counts.ByRag["green"]);
        Assert.Equal(2, p.Counts.ByRag["amber"]);
    }
}
