using Tracker.Api;

namespace Tracker.Portfolios;

/// <summary>A project on the wire: its descriptive fields and its current measured state.</summary>
public sealed record Project(
    string Id,
    string PortfolioId,
    string Name,
    Category Category,
    ProjectStatus Status,
    Priority Priority,
    string? Owner,
    DateOnly StartDate,
    DateOnly? TargetDate,
    decimal Budget,
    decimal Spend,
    decimal PercentComplete,
    Rag? Rag,
    Rag? RagOverride,
    bool CustomerEngagement,
    string? CustomerKpi,
    string? FinancialMeasure,
    DateTimeOffset? LastUpdateAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record CreateProjectRequest : IRequestBody
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public Category? Category { get; init; }

    public ProjectStatus? Status { get; init; }

    public Priority? Priority { get; init; }

    public string? Owner { get; init; }

    public DateOnly? StartDate { get; init; }

    public DateOnly? TargetDate { get; init; }

    public decimal? Budget { get; init; }

    public decimal? Spend { get; init; }

    public decimal? PercentComplete { get; init; }

    public bool? CustomerEngagement { get; init; }

    public string? CustomerKpi { get; init; }

    public string? FinancialMeasure { get; init; }

    public void Validate(Validation v, DateTimeOffset now) => v
        .Id("id", Id)
        .Text("name", Name, 200, required: true)
        .Require(Category is not null, "category", "category is required: cloud, crm or ai.")
        .Email("owner", Owner)
        .Require(StartDate is not null, "startDate", "startDate is required (yyyy-mm-dd).")
        .Require(TargetDate is null || StartDate is null || TargetDate > StartDate, "targetDate", "targetDate must be after startDate.")
        .Money("budget", Budget)
        .Money("spend", Spend)
        .Percent("percentComplete", PercentComplete)
        .Text("customerKpi", CustomerKpi, 200)
        .Text("financialMeasure", FinancialMeasure, 200);
}
