using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Metrics;

/// <summary>A project with the values it was created with and its whole update history, in any order.</summary>
public sealed record ProjectHistory(
    string Id,
    Category Category,
    DateOnly StartDate,
    DateOnly? TargetDate,
    bool CustomerEngagement,
    string? CustomerKpi,
    string? FinancialMeasure,
    ProjectStatus InitialStatus,
    Priority InitialPriority,
    double InitialBudget,
    double InitialSpend,
    double InitialPercentComplete,
    IReadOnlyList<UpdateFact> Updates);

/// <summary>Per-project metrics as of a date, named as in the design's metric definitions.</summary>
public sealed record ProjectMetrics(
    string ProjectId,
    DateOnly AsOf,
    bool Active,
    ProjectStatus Status,
    Priority Priority,
    Category Category,
    double Budget,
    double Spend,
    double PercentComplete,
    double? PlannedPercent,
    double? ScheduleVariance,
    double? Velocity,
    double? PreviousVelocity,
    bool? Accelerating,
    DateOnly? ForecastCompletion,
    int? SlipDays,
    double? CostPerformance,
    bool PriorityRaised,
    bool InvestmentIncreased,
    int DaysSinceUpdate,
    Rag Rag,
    double AttentionScore);

public enum Standing
{
    Ahead,
    OnPar,
    Behind,
    NoData,
}

/// <summary>A portfolio rate next to its survey baseline; gapPoints is in percentage points.</summary>
public sealed record Rate(double? Value, double Baseline, double? GapPoints, Standing Standing);

/// <summary>
/// Every portfolio rate by id, in <see cref="RateDefinitions.All"/> order; on the wire an object with one member per
/// rate. The named properties read one rate for code that needs it by name.
/// </summary>
public sealed class PortfolioRates : IReadOnlyDictionary<string, Rate>, IEquatable<PortfolioRates>
{
    private readonly Dictionary<string, Rate> _rates;

    public PortfolioRates(IReadOnlyDictionary<string, Rate> rates)
    {
        _rates = RateDefinitions.All.ToDictionary(d => d.Id, d => rates.TryGetValue(d.Id, out var rate)
            ? rate : throw new ArgumentException($"No value for rate '{d.Id}'.", nameof(rates)), StringComparer.Ordinal);
    }

    public Rate Priority => _rates["priority"];

    public Rate PriorityByBudget => _rates["priorityByBudget"];

    public Rate Acceleration => _rates["acceleration"];

    public Rate Investment => _rates["investment"];

    public Rate InvestmentByBudget => _rates["investmentByBudget"];

    public Rate CustomerEngagement => _rates["customerEngagement"];

    public Rate CustomerOutcomeLink => _rates["customerOutcomeLink"];

    public Rate Cloud => _rates["cloud"];

    public Rate Crm => _rates["crm"];

    public Rate Ai => _rates["ai"];

    public int Count => _rates.Count;

    public IEnumerable<string> Keys => RateDefinitions.Ids;

    public IEnumerable<Rate> Values => Keys.Select(k => _rates[k]);

    public Rate this[string key] => _rates[key];

    public IEnumerable<(string Name, Rate Rate)> All() => Keys.Select(k => (k, _rates[k]));

    public bool ContainsKey(string key) => _rates.ContainsKey(key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Rate value) => _rates.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, Rate>> GetEnumerator() => Keys.Select(k => KeyValuePair.Create(k, _rates[k])).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(PortfolioRates? other) => other is not null && Keys.All(k => _rates[k] == other._rates[k]);

    public override bool Equals(object? obj) => Equals(obj as PortfolioRates);

    public override int GetHashCode() => Keys.Aggregate(0, (h, k) => HashCode.Combine(h, _rates[k]));
}

public sealed record PortfolioCounts(
    IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyDictionary<string, int> ByRag,
    int Stale,
    int Slipping);

/// <summary>Portfolio metrics as of a date, over its active projects.</summary>
public sealed record PortfolioMetrics(
    string PortfolioId,
    DateOnly AsOf,
    int ActiveProjects,
    PortfolioRates Rates,
    PortfolioCounts Counts,
    double? MeanVelocity,
    double? MedianSlipDays,
    double? OnTrackShare);

/// <summary>What one computation yields: the portfolio's metrics and every project's.</summary>
public sealed record MetricsResult(PortfolioMetrics Portfolio, IReadOnlyList<ProjectMetrics> Projects);
