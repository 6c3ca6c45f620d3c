using Tracker.Common;
using Tracker.Portfolios;
using Tracker.Storage;

namespace Tracker.Portfolios;

/// <summary>
/// The stored row: PartitionKey the portfolio id, RowKey the project id. Besides the current state it keeps the
/// values the project was created with (the value of a field before any update set it) and, per measured field,
/// the reportedAt of the update that set it, so that an update arriving out of order changes only the fields no
/// newer update has set.
/// </summary>
public sealed class ProjectEntity : TableRow
{
    /// <summary>The write that created it: a retry of that request (same Idempotency-Key) is answered with this row.</summary>
    public string? RequestId { get; set; }

    public string Name { get; set; } = "";

    public string Category { get; set; } = "";

    public string? Owner { get; set; }

    public DateTimeOffset StartDate { get; set; }

    public DateTimeOffset? TargetDate { get; set; }

    public bool CustomerEngagement { get; set; }

    public string? CustomerKpi { get; set; }

    public string? FinancialMeasure { get; set; }

    public string Status { get; set; } = "";

    public string Priority { get; set; } = "";

    public double Budget { get; set; }

    public double Spend { get; set; }

    public double PercentComplete { get; set; }

    public string? Rag { get; set; }

    public string InitialStatus { get; set; } = "";

    public string InitialPriority { get; set; } = "";

    public double InitialBudget { get; set; }

    public double InitialSpend { get; set; }

    public double InitialPercentComplete { get; set; }

    public DateTimeOffset? StatusAt { get; set; }

    public DateTimeOffset? PriorityAt { get; set; }

    public DateTimeOffset? BudgetAt { get; set; }

    public DateTimeOffset? SpendAt { get; set; }

    public DateTimeOffset? PercentCompleteAt { get; set; }

    public DateTimeOffset? RagAt { get; set; }

    public DateTimeOffset? LastUpdateAt { get; set; }

    /// <summary>RowKey of the newest update applied; lets a reader see that a newer update was not applied yet.</summary>
    public string? LastUpdateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Applies an update field by field: a field changes unless a newer update already set it.</summary>
    public void Apply(UpdateEntity update, DateTimeOffset now)
    {
        var at = update.ReportedAt;
        if (update.PercentComplete is { } percent && Newer(at, PercentCompleteAt))
        {
            (PercentComplete, PercentCompleteAt) = (percent, at);
        }
        if (update.Spend is { } spend && Newer(at, SpendAt))
        {
            (Spend, SpendAt) = (spend, at);
        }
        if (update.Budget is { } budget && Newer(at, BudgetAt))
        {
            (Budget, BudgetAt) = (budget, at);
        }
        if (update.Priority is { } priority && Newer(at, PriorityAt))
        {
            (Priority, PriorityAt) = (priority, at);
        }
        if (update.Status is { } status && Newer(at, StatusAt))
        {
            (Status, StatusAt) = (status, at);
        }
        if (update.Rag is { } rag && Newer(at, RagAt))
        {
            (Rag, RagAt) = (rag, at);
        }
        if (Newer(at, LastUpdateAt))
        {
            (LastUpdateAt, LastUpdateKey) = (at, update.RowKey);
        }
        UpdatedAt = now;
    }

    /// <summary>Ties go to the update applied last, which is the one recorded last.</summary>
    private static bool Newer(DateTimeOffset at, DateTimeOffset? current) => current is null || at >= current;

    public Project ToApi()
    {
        var rag = TrackerJson.Parse<Portfolios.Rag>(Rag);
        return new Project(
            Id: RowKey,
            PortfolioId: PartitionKey,
            Name: Name,
            Category: TrackerJson.Parse<Portfolios.Category>(Category) ?? Portfolios.Category.Cloud,
            Status: TrackerJson.Parse<ProjectStatus>(Status) ?? ProjectStatus.Active,
            Priority: TrackerJson.Parse<Portfolios.Priority>(Priority) ?? Portfolios.Priority.Medium,
            Owner: Owner,
            StartDate: DateOnly.FromDateTime(StartDate.UtcDateTime),
            TargetDate: TargetDate is { } target ? DateOnly.FromDateTime(target.UtcDateTime) : null,
            Budget: (decimal)Budget,
            Spend: (decimal)Spend,
            PercentComplete: (decimal)PercentComplete,
            Rag: rag,
            RagOverride: rag,
            CustomerEngagement: CustomerEngagement,
            CustomerKpi: CustomerKpi,
            FinancialMeasure: FinancialMeasure,
            LastUpdateAt: LastUpdateAt,
            CreatedAt: CreatedAt,
            UpdatedAt: UpdatedAt);
    }

    /// <summary>Dates are stored as midnight UTC so that the Date part round-trips exactly.</summary>
    /// <summary>The project as the request that would create it as it is now (what a PATCH or an import row starts from).</summary>
    public CreateProjectRequest ToRequest() => new()
    {
        Id = RowKey,
        Name = Name,
        Category = Common.TrackerJson.Parse<Category>(Category),
        Status = Common.TrackerJson.Parse<ProjectStatus>(Status),
        Priority = Common.TrackerJson.Parse<Priority>(Priority),
        Owner = Owner,
        StartDate = DateOnly.FromDateTime(StartDate.UtcDateTime),
        TargetDate = TargetDate is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : null,
        Budget = (decimal)Budget,
        Spend = (decimal)Spend,
        PercentComplete = (decimal)PercentComplete,
        CustomerEngagement = CustomerEngagement,
        CustomerKpi = CustomerKpi,
        FinancialMeasure = FinancialMeasure,
    };

    /// <summary>Takes the descriptive fields of a validated request (the measured ones change through updates only).</summary>
    public void ApplyDescriptive(CreateProjectRequest r, DateTimeOffset now)
    {
        Name = r.Name!;
        Category = Common.TrackerJson.Name(r.Category!.Value);
        Owner = r.Owner;
        StartDate = StoreDate(r.StartDate!.Value);
        TargetDate = r.TargetDate is { } target ? StoreDate(target) : null;
        CustomerEngagement = r.CustomerEngagement ?? false;
        CustomerKpi = r.CustomerKpi;
        FinancialMeasure = r.FinancialMeasure;
        UpdatedAt = now;
    }

    public static DateTimeOffset StoreDate(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
