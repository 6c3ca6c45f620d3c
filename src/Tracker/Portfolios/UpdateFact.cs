namespace Tracker.Portfolios;

/// <summary>
/// One progress update as the metrics engine replays it: its times and the measured fields it set (null: not set).
/// A project keeps these facts packed next to its state (<see cref="CompactHistory"/>).
/// </summary>
public sealed record UpdateFact(
    DateTimeOffset ReportedAt,
    DateTimeOffset RecordedAt,
    double? PercentComplete = null,
    double? Spend = null,
    double? Budget = null,
    Priority? Priority = null,
    ProjectStatus? Status = null,
    Rag? Rag = null)
{
    /// <summary>The fact of a stored update row.</summary>
    public static UpdateFact Of(UpdateEntity u) => new(
        u.ReportedAt, u.RecordedAt, u.PercentComplete, u.Spend, u.Budget,
        Common.TrackerJson.Parse<Portfolios.Priority>(u.Priority), Common.TrackerJson.Parse<ProjectStatus>(u.Status), Common.TrackerJson.Parse<Portfolios.Rag>(u.Rag));

    /// <summary>The columns of an update row a fact is made of (what a history rebuild reads).</summary>
    public static readonly string[] Columns =
    [
        nameof(UpdateEntity.ReportedAt), nameof(UpdateEntity.RecordedAt), nameof(UpdateEntity.PercentComplete), nameof(UpdateEntity.Spend),
        nameof(UpdateEntity.Budget), nameof(UpdateEntity.Priority), nameof(UpdateEntity.Status), nameof(UpdateEntity.Rag),
    ];
}
