using System.Globalization;
using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;
using Tracker.Storage;

namespace Tracker.Portfolios;

/// <summary>A progress update on the wire. Only the fields the update set are non-null.</summary>
public sealed record ProgressUpdate(
    string Id,
    string ProjectId,
    DateTimeOffset ReportedAt,
    decimal? PercentComplete,
    decimal? Spend,
    decimal? Budget,
    Priority? Priority,
    ProjectStatus? Status,
    Rag? Rag,
    string? Note,
    string? ReportedBy,
    DateTimeOffset RecordedAt);

public sealed record PostUpdateRequest : IRequestBody
{
    /// <summary>How far ahead of the server's clock a reportedAt may be (clock skew), no more.</summary>
    public static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(5);

    public DateTimeOffset? ReportedAt { get; init; }

    public decimal? PercentComplete { get; init; }

    public decimal? Spend { get; init; }

    public decimal? Budget { get; init; }

    public Priority? Priority { get; init; }

    public ProjectStatus? Status { get; init; }

    public Rag? Rag { get; init; }

    public string? Note { get; init; }

    public string? ReportedBy { get; init; }

    /// <summary>The fields as forms label them, for error messages people read ("Percent complete", not percentComplete).</summary>
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["percentComplete"] = "Percent complete",
        ["spend"] = "Spend to date",
        ["budget"] = "Budget",
        ["status"] = "Status",
        ["priority"] = "Priority",
        ["rag"] = "RAG status",
        ["note"] = "Note",
    };

    public void Validate(Validation v, DateTimeOffset now)
    {
        var setsSomething = PercentComplete is not null || Spend is not null || Budget is not null || Priority is not null ||
            Status is not null || Rag is not null || !string.IsNullOrEmpty(Note);
        v.Require(setsSomething, "body", "An update must set at least one of percentComplete, spend, budget, priority, status, rag or note.")
            .Require(ReportedAt is null || ReportedAt <= now + MaxFuture, "reportedAt", "reportedAt must not be in the future.")
            .Require(ReportedAt is null || ReportedAt.Value.Year >= 2000, "reportedAt", "reportedAt must be after 2000-01-01.")
            .Percent("percentComplete", PercentComplete)
            .Money("spend", Spend)
            .Money("budget", Budget)
            .Text("note", Note, 2000)
            .Text("reportedBy", ReportedBy, 200);
    }
}

/// <summary>
/// The stored row of an update, append-only; its keys are <see cref="UpdateStore"/>'s.
/// </summary>
public sealed class UpdateEntity : TableRow
{
    public string Id { get; set; } = "";

    public string ProjectId { get; set; } = "";

    public DateTimeOffset ReportedAt { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public double? PercentComplete { get; set; }

    public double? Spend { get; set; }

    public double? Budget { get; set; }

    public string? Priority { get; set; }

    public string? Status { get; set; }

    public string? Rag { get; set; }

    public string? Note { get; set; }

    public string? ReportedBy { get; set; }

    public ProgressUpdate ToApi() => new(
        Id: Id,
        ProjectId: ProjectId,
        ReportedAt: ReportedAt,
        PercentComplete: (decimal?)PercentComplete,
        Spend: (decimal?)Spend,
        Budget: (decimal?)Budget,
        Priority: TrackerJson.Parse<Portfolios.Priority>(Priority),
        Status: TrackerJson.Parse<ProjectStatus>(Status),
        Rag: TrackerJson.Parse<Portfolios.Rag>(Rag),
        Note: Note,
        ReportedBy: ReportedBy,
        RecordedAt: RecordedAt);
}
