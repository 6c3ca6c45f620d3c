using Tracker.Baselines;
using Tracker.Hosting;
using Tracker.Projects;

namespace Tracker.Metrics;

/// <summary>
/// The metrics of the design's definitions, as a pure function of projects, their histories, a date and a time zone.
/// No I/O and no clock: the same inputs always give the same outputs, so any past day can be recomputed exactly.
/// </summary>
public sealed class MetricsEngine(MetricsOptions options, BaselineOptions baselines)
{
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

    /// <summary>The end of day D in the zone: the instant D+1 00:00 local, exclusive.</summary>
    public static DateTimeOffset Cutoff(DateOnly asOf, TimeZoneInfo zone) => LocalTime.StartOfDay(asOf.AddDays(1), zone);

    private ProjectMetrics ComputeProject(ProjectHistory p, DateOnly d, TimeZoneInfo zone, DateTimeOffset cutoffInstant)
    {
        var updates = Chronological(p.Updates);
        var cutoff = cutoffInstant.UtcTicks;
        var window = options.WindowDays * TimeSpan.TicksPerDay;
        var tWindow = cutoff - window;
        var tPrevious = cutoff - 2 * window;
        var tLookback = cutoff - options.LookbackDays * TimeSpan.TicksPerDay;
        var tRag = cutoff - options.RagOverrideDays * TimeSpan.TicksPerDay;

        double percent = p.InitialPercentComplete, spend = p.InitialSpend, budget = p.InitialBudget;
        var priority = p.InitialPriority;
        var status = p.InitialStatus;
        var lookbackPriority = priority;
        var lookbackBudget = budget;
        double percentAtPrevious = percent, percentAtWindow = percent;
        bool lookbackTaken = false, previousTaken = false, windowTaken = false;
        Rag? ragOverride = null;
        long lastUpdate = long.MinValue;
        var current = new Slope();
        var previous = new Slope();

        foreach (var u in updates)
        {
            var t = u.ReportedAt.UtcTicks;
            if (t >= cutoff)
            {
                break;
            }
            // The value of a field at an instant comes from updates strictly before it: take each boundary's
            // values before applying the first update at or after it.
            if (!lookbackTaken && t >= tLookback)
            {
                (lookbackPriority, lookbackBudget, lookbackTaken) = (priority, budget, true);
            }
            if (!previousTaken && t >= tPrevious)
            {
                (percentAtPrevious, previousTaken) = (percent, true);
            }
            if (!windowTaken && t >= tWindow)
            {
                (percentAtWindow, windowTaken) = (percent, true);
            }
            if (u.PercentComplete is { } pc)
            {
                percent = pc;
                if (t >= tWindow)
                {
                    current.Add((t - tWindow) / TicksPerWeek, pc);
                }
                else if (t >= tPrevious)
                {
                    previous.Add((t - tPrevious) / TicksPerWeek, pc);
                }
            }
            spend = u.Spend ?? spend;
            budget = u.Budget ?? budget;
            priority = u.Priority ?? priority;
            status = u.Status ?? status;
            if (u.Rag is { } reported && t >= tRag)
            {
                ragOverride = reported;
            }
            lastUpdate = t;
        }
        if (!lookbackTaken)
        {
            (lookbackPriority, lookbackBudget) = (priority, budget);
        }
        if (!previousTaken)
        {
            percentAtPrevious = percent;
        }
        if (!windowTaken)
        {
            percentAtWindow = percent;
        }

        var velocity = current.WithAnchor(percentAtWindow);
        var previousVelocity = previous.WithAnchor(percentAtPrevious);
        bool? accelerating = velocity is { } v && previousVelocity is { } pv ? v > pv + options.AccelerationMargin : null;

        double? planned = null;
        if (p.TargetDate is { } target && target > p.StartDate)
        {
            planned = Math.Clamp((double)(d.DayNumber - p.StartDate.DayNumber) / (target.DayNumber - p.StartDate.DayNumber), 0, 1) * 100;
        }
        DateOnly? forecast = null;
        if (percent >= 100)
        {
            forecast = d;
        }
        else if (velocity is > 0)
        {
            var days = Math.Ceiling(7 * (100 - percent) / velocity.Value);
            forecast = days <= MaxForecastDays ? d.AddDays((int)days) : null;
        }
        int? slip = forecast is { } f && p.TargetDate is { } due ? f.DayNumber - due.DayNumber : null;
        double? cpi = budget > 0 && spend > 0 ? percent / 100 * budget / spend : null;
        var daysSinceUpdate = lastUpdate == long.MinValue
            ? Math.Max(0, d.DayNumber - p.StartDate.DayNumber)
            : d.DayNumber - LocalDate(lastUpdate, zone).DayNumber;
        var rag = ragOverride ?? Rule(slip, cpi, daysSinceUpdate);
        var score = Weight(priority) + (p.CustomerEngagement ? options.CustomerEngagementBonus : 0)
            + (slip is { } s ? options.SlipWeight * Math.Min(Math.Max(s, 0), options.SlipCapDays) / options.SlipCapDays : 0)
            + options.StalenessWeight * Math.Min(daysSinceUpdate, options.StalenessCapDays) / options.StalenessCapDays
            + (rag == Rag.Red ? options.RedBonus : 0);

        return new ProjectMetrics(
            p.Id, d, status == ProjectStatus.Active && p.StartDate <= d, status, priority, p.Category, budget, spend, percent,
            planned, planned is { } pl ? percent - pl : null, velocity, previousVelocity, accelerating, forecast, slip, cpi,
            priority > lookbackPriority, budget > lookbackBudget, daysSinceUpdate, rag, Math.Min(score, options.MaxAttentionScore));
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

    private PortfolioMetrics Aggregate(string portfolioId, DateOnly d, IReadOnlyList<ProjectHistory> projects, ProjectMetrics[] metrics)
    {
        int active = 0, prioritised = 0, accelerationKnown = 0, accelerating = 0, invested = 0, engaged = 0, linked = 0;
        int cloud = 0, crm = 0, ai = 0, stale = 0, slipping = 0, green = 0;
        double budgetSum = 0, prioritisedBudget = 0, investedBudget = 0, velocitySum = 0;
        var velocities = 0;
        var slips = new List<int>();
        var byStatus = Enum.GetValues<ProjectStatus>().ToDictionary(s => TrackerJson.Name(s), _ => 0);
        var byRag = Enum.GetValues<Rag>().ToDictionary(r => TrackerJson.Name(r), _ => 0);

        for (var i = 0; i < metrics.Length; i++)
        {
            var m = metrics[i];
            var p = projects[i];
            if (p.StartDate <= d)
            {
                byStatus[TrackerJson.Name(m.Status)]++;
            }
            if (!m.Active)
            {
                continue;
            }
            active++;
            budgetSum += m.Budget;
            if (m.Priority >= Priority.High || m.PriorityRaised)
            {
                prioritised++;
                prioritisedBudget += m.Budget;
            }
            if (m.Accelerating is { } a)
            {
                accelerationKnown++;
                accelerating += a ? 1 : 0;
            }
            if (m.InvestmentIncreased)
            {
                invested++;
                investedBudget += m.Budget;
            }
            engaged += p.CustomerEngagement ? 1 : 0;
            linked += !string.IsNullOrWhiteSpace(p.CustomerKpi) && !string.IsNullOrWhiteSpace(p.FinancialMeasure) ? 1 : 0;
            cloud += m.Category == Category.Cloud ? 1 : 0;
            crm += m.Category == Category.Crm ? 1 : 0;
            ai += m.Category == Category.Ai ? 1 : 0;
            byRag[TrackerJson.Name(m.Rag)]++;
            green += m.Rag == Rag.Green ? 1 : 0;
            stale += m.DaysSinceUpdate > options.StaleDays ? 1 : 0;
            if (m.SlipDays is { } slip)
            {
                slips.Add(slip);
                slipping += slip > 0 ? 1 : 0;
            }
            if (m.Velocity is { } v)
            {
                velocitySum += v;
                velocities++;
            }
        }

        var rates = new PortfolioRates(
            Rate(Share(prioritised, active), baselines.Priority),
            Rate(budgetSum > 0 ? prioritisedBudget / budgetSum : null, baselines.Priority),
            Rate(Share(accelerating, accelerationKnown), baselines.Speed),
            Rate(Share(invested, active), baselines.Investment),
            Rate(budgetSum > 0 ? investedBudget / budgetSum : null, baselines.Investment),
            Rate(Share(engaged, active), baselines.CustomerEngagement),
            Rate(Share(linked, active), baselines.CustomerOutcomeLink),
            Rate(Share(cloud, active), baselines.Cloud),
            Rate(Share(crm, active), baselines.Crm),
            Rate(Share(ai, active), baselines.Ai));
        return new PortfolioMetrics(
            portfolioId, d, active, rates, new PortfolioCounts(byStatus, byRag, stale, slipping),
            velocities > 0 ? velocitySum / velocities : null, Median(slips), Share(green, active));
    }

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
