using Tracker.Projects;

namespace Tracker.Metrics;

/// <summary>One progress update as the engine sees it: only the fields it set are non-null.</summary>
public sealed record UpdateFact(
    DateTimeOffset ReportedAt,
    DateTimeOffset RecordedAt,
    double? PercentComplete = null,
    double? Spend = null,
    double? Budget = null,
    Priority? Priority = null,
    ProjectStatus? Status = null,
    Rag? Rag = null);

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

public sealed record PortfolioRates(
    Rate Priority,
    Rate PriorityByBudget,
    Rate Acceleration,
    Rate Investment,
    Rate InvestmentByBudget,
    Rate CustomerEngagement,
    Rate CustomerOutcomeLink,
    Rate Cloud,
    Rate Crm,
    Rate Ai)
{
    public IEnumerable<(string Name, Rate Rate)> All()
    {
        yield return ("priority", Priority);
        yield return ("priorityByBudget", PriorityByBudget);
        yield return ("acceleration", Acceleration);
        yield return ("investment", Investment);
        yield return ("investmentByBudget", InvestmentByBudget);
        yield return ("customerEngagement", CustomerEngagement);
        yield return ("customerOutcomeLink", CustomerOutcomeLink);
        yield return ("cloud", Cloud);
        yield return ("crm", Crm);
        yield return ("ai", Ai);
    }
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
