using Tracker.Baselines;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Metrics;

/// <summary>
/// The metrics of docs/metrics.md, as a pure function of projects, their histories, a date and a time zone.
/// No I/O and no clock: the same inputs always give the same outputs, so any past day can be recomputed exactly.
/// </summary>
public sealed class MetricsEngine(MetricsOptions options, BaselineOptions baselines)
{
    private readonly IReadOnlyDictionary<string, double> _baselines = RateDefinitions.Baselines(baselines);

    private const double TicksPerWeek = 7 * TimeSpan.TicksPerDay;

    /// <summary>A forecast further out than this is no forecast (a velocity of almost nothing).</summary>
    private const int MaxForecastDays = 36_500;

    public MetricsOptions Options => options;

    public MetricsResult Compute(string portfolioId, IReadOnlyList<ProjectHistory> projects, DateOnly asOf, TimeZoneInfo zone)
    {
        var cutoff = Cutoff(asOf, zone);
        var metrics = new ProjectMetrics[projects.Count];
        for (var i = 0; i < projects.Count; i++)
        {
            metrics[i] = ComputeProject(projects[i], asOf, zone, cutoff);
        }
        return new MetricsResult(Aggregate(portfolioId, asOf, projects, metrics), metrics);
    }

    public ProjectMetrics ComputeProject(ProjectHistory project, DateOnly asOf, TimeZoneInfo zone) =>
        ComputeProject(project, asOf, zone, Cutoff(asOf, zone));

    /// <summary>The end of day D in the zone: the instant D+1 00:00 local, exclusive (docs/metrics.md §1).</summary>
    public static DateTimeOffset Cutoff(DateOnly asOf, TimeZoneInfo zone) => LocalTime.StartOfDay(asOf.AddDays(1), zone);

    /// <summary>Every per-project metric of docs/metrics.md §3.</summary>
    private ProjectMetrics ComputeProject(ProjectHistory p, DateOnly d, TimeZoneInfo zone, DateTimeOffset cutoffInstant)
    {
        var state = Replay(p, cutoffInstant.UtcTicks);
        var velocity = state.Current.WithAnchor(state.PercentAtWindow);
        var previousVelocity = state.Previous.WithAnchor(state.PercentAtPrevious);
        bool? accelerating = velocity is { } v && previousVelocity is { } pv ? v > pv + options.AccelerationMargin : null;
        var planned = PlannedPercent(p, d);
        var forecast = Forecast(d, state.Percent, velocity);
        int? slip = forecast is { } f && p.TargetDate is { } due ? f.DayNumber - due.DayNumber : null;
        double? cpi = state.Budget > 0 && state.Spend > 0 ? state.Percent / 100 * state.Budget / state.Spend : null;
        var daysSinceUpdate = state.LastUpdate == long.MinValue
            ? Math.Max(0, d.DayNumber - p.StartDate.DayNumber)
            : d.DayNumber - LocalDate(state.LastUpdate, zone).DayNumber;
        var rag = state.RagOverride ?? Rule(slip, cpi, daysSinceUpdate);

        return new ProjectMetrics(
            ProjectId: p.Id,
            AsOf: d,
            Active: state.Status == ProjectStatus.Active && p.StartDate <= d,
            Status: state.Status,
            Priority: state.Priority,
            Category: p.Category,
            Budget: state.Budget,
            Spend: state.Spend,
            PercentComplete: state.Percent,
            PlannedPercent: planned,
            ScheduleVariance: planned is { } pl ? state.Percent - pl : null,
            Velocity: velocity,
            PreviousVelocity: previousVelocity,
            Accelerating: accelerating,
            ForecastCompletion: forecast,
            SlipDays: slip,
            CostPerformance: cpi,
            PriorityRaised: state.Priority > state.LookbackPriority,
            InvestmentIncreased: state.Budget > state.LookbackBudget,
            DaysSinceUpdate: daysSinceUpdate,
            Rag: rag,
            AttentionScore: AttentionScore(state.Priority, p.CustomerEngagement, slip, daysSinceUpdate, rag));
    }

    /// <summary>What a project's history says as of the cutoff, and at the boundaries of the windows before it (docs/metrics.md §2).</summary>
    private struct Replayed
    {
        public double Percent, Spend, Budget, PercentAtPrevious, PercentAtWindow, LookbackBudget;
        public Priority Priority, LookbackPriority;
        public ProjectStatus Status;
        public Rag? RagOverride;
        public long LastUpdate;
        public Slope Current, Previous;

        /// <summary>Before any update: the values the project was created with.</summary>
        public Replayed(ProjectHistory p) =>
            (Percent, Spend, Budget, Priority, Status, LastUpdate) = (p.InitialPercentComplete, p.InitialSpend, p.InitialBudget, p.InitialPriority, p.InitialStatus, long.MinValue);
    }

    /// <summary>
    /// Applies the updates reported before the cutoff in order. The value of a field at a boundary comes from updates
    /// strictly before it: each boundary's values are taken before applying the first update at or after it.
    /// </summary>
    private Replayed Replay(ProjectHistory p, long cutoff)
    {
        var window = options.WindowDays * TimeSpan.TicksPerDay;
        var tWindow = cutoff - window;
        var tPrevious = cutoff - 2 * window;
        var tLookback = cutoff - options.LookbackDays * TimeSpan.TicksPerDay;
        var tRag = cutoff - options.RagOverrideDays * TimeSpan.TicksPerDay;
        var s = new Replayed(p);
        bool lookbackTaken = false, previousTaken = false, windowTaken = false;
        foreach (var u in Chronological(p.Updates))
        {
            var t = u.ReportedAt.UtcTicks;
            if (t >= cutoff)
            {
                break;
            }
            if (!lookbackTaken && t >= tLookback)
            {
                (s.LookbackPriority, s.LookbackBudget, lookbackTaken) = (s.Priority, s.Budget, true);
            }
            if (!previousTaken && t >= tPrevious)
            {
                (s.PercentAtPrevious, previousTaken) = (s.Percent, true);
            }
            if (!windowTaken && t >= tWindow)
            {
                (s.PercentAtWindow, windowTaken) = (s.Percent, true);
            }
            if (u.PercentComplete is { } pc)
            {
                s.Percent = pc;
                if (t >= tWindow)
                {
                    s.Current.Add((t - tWindow) / TicksPerWeek, pc);
                }
                else if (t >= tPrevious)
                {
                    s.Previous.Add((t - tPrevious) / TicksPerWeek, pc);
                }
            }
            s.Spend = u.Spend ?? s.Spend;
            s.Budget = u.Budget ?? s.Budget;
            s.Priority = u.Priority ?? s.Priority;
            s.Status = u.Status ?? s.Status;
            if (u.Rag is { } reported && t >= tRag)
            {
                s.RagOverride = reported;
            }
            s.LastUpdate = t;
        }
        // A boundary no update reached has the values as of the cutoff.
        if (!lookbackTaken)
        {
            (s.LookbackPriority, s.LookbackBudget) = (s.Priority, s.Budget);
        }
        if (!previousTaken)
        {
            s.PercentAtPrevious = s.Percent;
        }
        if (!windowTaken)
        {
            s.PercentAtWindow = s.Percent;
        }
        return s;
    }

    /// <summary>Where the plan says the project should be on day d: the share of its scheduled days elapsed.</summary>
    public static double? PlannedPercent(ProjectHistory p, DateOnly d) =>
        p.TargetDate is { } target && target > p.StartDate
            ? Math.Clamp((double)(d.DayNumber - p.StartDate.DayNumber) / (target.DayNumber - p.StartDate.DayNumber), 0, 1) * 100
            : null;

    /// <summary>The day it completes at the current velocity: today when complete, none without progress or beyond a century.</summary>
    private static DateOnly? Forecast(DateOnly d, double percent, double? velocity)
    {
        if (percent >= 100)
        {
            return d;
        }
        if (velocity is not > 0)
        {
            return null;
        }
        var days = Math.Ceiling(7 * (100 - percent) / velocity.Value);
        return days <= MaxForecastDays ? d.AddDays((int)days) : null;
    }

    private double AttentionScore(Priority priority, bool customerEngagement, int? slip, int daysSinceUpdate, Rag rag)
    {
        var score = Weight(priority) + (customerEngagement ? options.CustomerEngagementBonus : 0)
            + (slip is { } s ? options.SlipWeight * Math.Min(Math.Max(s, 0), options.SlipCapDays) / options.SlipCapDays : 0)
            + options.StalenessWeight * Math.Min(daysSinceUpdate, options.StalenessCapDays) / options.StalenessCapDays
            + (rag == Rag.Red ? options.RedBonus : 0);
        return Math.Min(score, options.MaxAttentionScore);
    }

    private Rag Rule(int? slip, double? cpi, int daysSinceUpdate)
    {
        if (slip > options.RedSlipDays || cpi < options.RedCostPerformance || daysSinceUpdate > options.RedDaysSinceUpdate)
        {
            return Rag.Red;
        }
        if (slip > options.AmberSlipDays || cpi < options.AmberCostPerformance || daysSinceUpdate > options.AmberDaysSinceUpdate)
        {
            return Rag.Amber;
        }
        return Rag.Green;
    }

    private double Weight(Priority priority) => priority switch
    {
        Priority.Low => options.WeightLow,
        Priority.Medium => options.WeightMedium,
        Priority.High => options.WeightHigh,
        _ => options.WeightCritical,
    };

    /// <summary>The portfolio's rates and counts over its active projects (docs/metrics.md §4).</summary>
    private PortfolioMetrics Aggregate(string portfolioId, DateOnly d, IReadOnlyList<ProjectHistory> projects, ProjectMetrics[] metrics)
    {
        var active = Enumerable.Range(0, metrics.Length).Where(i => metrics[i].Active).ToList();
        var rates = new PortfolioRates(RateDefinitions.All.ToDictionary(r => r.Id, r => Rate(ValueOf(r, active, projects, metrics), _baselines[r.Id])));
        var activeMetrics = active.Select(i => metrics[i]).ToList();
        var counts = new PortfolioCounts(
            CountByStatus(d, projects, metrics), CountByRag(activeMetrics),
            activeMetrics.Count(m => m.DaysSinceUpdate > options.StaleDays), activeMetrics.Count(m => m.SlipDays > 0));
        var velocities = activeMetrics.Where(m => m.Velocity is not null).Select(m => m.Velocity!.Value).ToList();
        return new PortfolioMetrics(
            portfolioId, d, active.Count, rates, counts, velocities.Count > 0 ? Sum(velocities) / velocities.Count : null,
            Median([.. activeMetrics.Where(m => m.SlipDays is not null).Select(m => m.SlipDays!.Value)]),
            Share(activeMetrics.Count(m => m.Rag == Rag.Green), active.Count));
    }

    /// <summary>A rate's value over the active projects: the share (of projects, or of budget) its definition counts.</summary>
    private static double? ValueOf(RateDefinition rate, List<int> active, IReadOnlyList<ProjectHistory> projects, ProjectMetrics[] metrics)
    {
        double part = 0, whole = 0;
        foreach (var i in active)
        {
            if (rate.Counts(metrics[i], projects[i]) is not { } counts)
            {
                continue;
            }
            var weight = rate.ByBudget ? metrics[i].Budget : 1;
            whole += weight;
            part += counts ? weight : 0;
        }
        return whole > 0 ? part / whole : null;
    }

    /// <summary>Projects started by day d, by status (active or not).</summary>
    private static Dictionary<string, int> CountByStatus(DateOnly d, IReadOnlyList<ProjectHistory> projects, ProjectMetrics[] metrics)
    {
        var byStatus = Enum.GetValues<ProjectStatus>().ToDictionary(s => TrackerJson.Name(s), _ => 0);
        for (var i = 0; i < metrics.Length; i++)
        {
            if (projects[i].StartDate <= d)
            {
                byStatus[TrackerJson.Name(metrics[i].Status)]++;
            }
        }
        return byStatus;
    }

    private static Dictionary<string, int> CountByRag(List<ProjectMetrics> active)
    {
        var byRag = Enum.GetValues<Rag>().ToDictionary(r => TrackerJson.Name(r), _ => 0);
        foreach (var m in active)
        {
            byRag[TrackerJson.Name(m.Rag)]++;
        }
        return byRag;
    }

    /// <summary>A sum in list order (as the loop before it added), so results are bit-for-bit repeatable.</summary>
    private static double Sum(List<double> values)
    {
        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }
        return sum;
    }

    /// <summary>A value against its baseline: gap in points and standing (docs/metrics.md §4).</summary>
    public Rate Rate(double? value, double baseline)
    {
        if (value is not { } v)
        {
            return new Rate(null, baseline, null, Standing.NoData);
        }
        // Rounded to 10 decimals so that binary noise (100 * (0.645 - 0.62) = 2.5000000000000022) does not move a
        // value across the band: a PMO reads 2.5 points as on par.
        var gap = Math.Round(100 * (v - baseline), 10);
        var standing = gap > options.StandingBandPoints ? Standing.Ahead : gap < -options.StandingBandPoints ? Standing.Behind : Standing.OnPar;
        return new Rate(v, baseline, gap, standing);
    }

    private static double? Share(int part, int whole) => whole == 0 ? null : (double)part / whole;

    private static double? Median(List<int> values)
    {
        if (values.Count == 0)
        {
            return null;
        }
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2.0;
    }

    private static DateOnly LocalDate(long utcTicks, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(new DateTimeOffset(utcTicks, TimeSpan.Zero), zone).DateTime);

    /// <summary>Updates by reportedAt, ties by the time they were recorded; sorted only when they are not already.</summary>
    private static IReadOnlyList<UpdateFact> Chronological(IReadOnlyList<UpdateFact> updates)
    {
        for (var i = 1; i < updates.Count; i++)
        {
            if (Compare(updates[i - 1], updates[i]) > 0)
            {
                var sorted = updates.ToArray();
                Array.Sort(sorted, Compare);
                return sorted;
            }
        }
        return updates;
    }

    private static int Compare(UpdateFact a, UpdateFact b)
    {
        var byReported = a.ReportedAt.UtcTicks.CompareTo(b.ReportedAt.UtcTicks);
        return byReported != 0 ? byReported : a.RecordedAt.UtcTicks.CompareTo(b.RecordedAt.UtcTicks);
    }

    /// <summary>Least-squares slope of (weeks, percent) points; the window's anchor is added last at x = 0.</summary>
    private struct Slope
    {
        private int _n;
        private double _sx, _sy, _sxx, _sxy;
        private bool _distinct;

        public void Add(double x, double y)
        {
            _n++;
            _sx += x;
            _sy += y;
            _sxx += x * x;
            _sxy += x * y;
            _distinct |= x > 0;
        }

        public readonly double? WithAnchor(double anchor)
        {
            if (!_distinct)
            {
                return null;
            }
            var n = _n + 1;
            var sy = _sy + anchor;
            var denominator = n * _sxx - _sx * _sx;
            return denominator == 0 ? null : (n * _sxy - _sx * sy) / denominator;
        }
    }
}
