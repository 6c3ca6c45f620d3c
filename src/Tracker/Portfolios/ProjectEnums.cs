
namespace Tracker.Portfolios;

public enum Category
{
    Cloud,
    Crm,
    Ai,
}

public enum ProjectStatus
{
    Proposed,
    Active,
    OnHold,
    Completed,
    Cancelled,
}

/// <summary>Ordered: a higher value ranks above a lower one.</summary>
public enum Priority
{
    Low,
    Medium,
    High,
    Critical,
}

public enum Rag
{
    Green,
    Amber,
    Red,
}
