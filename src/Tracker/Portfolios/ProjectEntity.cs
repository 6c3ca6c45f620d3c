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

    /// <summary>
    /// How many facts the compact history holds (<see cref="CompactHistory"/>, packed into <c>History0</c>..): null
    /// when it is not kept — a project stored before compact histories (the backfill builds it) or one whose history
    /// outgrew the entity (<see cref="HistoryTooLarge"/>). Readers then read the Updates partition.
    /// </summary>
    public int? HistoryCount { get; set; }

    /// <summary>The packed history would not fit the entity (<see cref="MaxHistoryBytes"/>); the Updates partition is read instead.</summary>
    public bool HistoryTooLarge { get; set; }

    /// <summary>
    /// Writes in flight, <c>{token}@{utc ticks}</c> separated by spaces: added before an update row is written and
    /// removed when its fact is merged, so an entry that stays behind (a crash between the two writes) says the
    /// compact history may lack updates; readers then rebuild it from the Updates partition.
    /// </summary>
    public string? HistoryPending { get; set; }

    public byte[]? History0 { get; set; }

    public byte[]? History1 { get; set; }

    public byte[]? History2 { get; set; }

    public byte[]? History3 { get; set; }

    public byte[]? History4 { get; set; }

    public byte[]? History5 { get; set; }

    public byte[]? History6 { get; set; }

    public byte[]? History7 { get; set; }

    public byte[]? History8 { get; set; }

    public byte[]? History9 { get; set; }

    public byte[]? History10 { get; set; }

    public byte[]? History11 { get; set; }

    public byte[]? History12 { get; set; }

    public byte[]? History13 { get; set; }

    public byte[]? History14 { get; set; }

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

    /// <summary>Binary properties hold at most 64 KiB each; 15 of them stay well inside the 1 MiB entity limit.</summary>
    public const int HistoryChunkBytes = 64 * 1024;

    public const int MaxHistoryBytes = 15 * HistoryChunkBytes;

    /// <summary>The compact history, or null when it is not kept or a write may be missing from it (see <see cref="HistoryPending"/>).</summary>
    public IReadOnlyList<UpdateFact>? KeptFacts() => string.IsNullOrEmpty(HistoryPending) ? Facts() : null;

    /// <summary>The facts of the compact history whatever the pending writes, or null when it is not kept.</summary>
    public List<UpdateFact>? Facts()
    {
        if (HistoryCount is null)
        {
            return null;
        }
        var chunks = Chunks().TakeWhile(c => c is not null).Select(c => c!).ToList();
        if (chunks.Count == 0)
        {
            return [];
        }
        var bytes = new byte[chunks.Sum(c => c.Length)];
        var at = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(bytes, at);
            at += chunk.Length;
        }
        return CompactHistory.Unpack(bytes);
    }

    /// <summary>Keeps these facts (in replay order) as the compact history; when they do not fit, none are kept.</summary>
    public void KeepFacts(IReadOnlyList<UpdateFact> facts)
    {
        var bytes = facts.Count == 0 ? [] : CompactHistory.Pack(facts);
        var fits = bytes.Length <= MaxHistoryBytes;
        (HistoryCount, HistoryTooLarge) = fits ? (facts.Count, false) : ((int?)null, true);
        var chunks = new byte[]?[15];
        for (var i = 0; fits && i * HistoryChunkBytes < bytes.Length; i++)
        {
            chunks[i] = bytes[(i * HistoryChunkBytes)..Math.Min(bytes.Length, (i + 1) * HistoryChunkBytes)];
        }
        (History0, History1, History2, History3, History4, History5, History6, History7) =
            (chunks[0], chunks[1], chunks[2], chunks[3], chunks[4], chunks[5], chunks[6], chunks[7]);
        (History8, History9, History10, History11, History12, History13, History14) =
            (chunks[8], chunks[9], chunks[10], chunks[11], chunks[12], chunks[13], chunks[14]);
    }

    /// <summary>Forgets the compact history: the state of a project stored before compact histories existed.</summary>
    public void ForgetFacts()
    {
        KeepFacts([]);
        (HistoryCount, HistoryTooLarge, HistoryPending) = (null, false, null);
    }

    private IEnumerable<byte[]?> Chunks() =>
        [History0, History1, History2, History3, History4, History5, History6, History7, History8, History9, History10, History11, History12, History13, History14];

    /// <summary>Notes a write in flight (see <see cref="HistoryPending"/>).</summary>
    public void AddPending(string token, DateTimeOffset now) => SetPending(PendingEntries().Append((token, now)));

    /// <summary>Removes a write's entry; false when it was not there (a repair took it, so the write's fact may be in or out).</summary>
    public bool RemovePending(string token)
    {
        var entries = PendingEntries().ToList();
        var removed = entries.RemoveAll(e => e.Token == token) > 0;
        SetPending(entries);
        return removed;
    }

    /// <summary>Keeps only the entries noted at or after <paramref name="since"/>: older ones are writes that will not finish.</summary>
    public void DropPendingBefore(DateTimeOffset since) => SetPending(PendingEntries().Where(e => e.At >= since).ToList());

    public IEnumerable<(string Token, DateTimeOffset At)> PendingEntries() =>
        (HistoryPending ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(e =>
        {
            var at = e.LastIndexOf('@');
            return (e[..at], new DateTimeOffset(long.Parse(e[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero));
        });

    private void SetPending(IEnumerable<(string Token, DateTimeOffset At)> entries)
    {
        var text = string.Join(' ', entries.Select(e => $"{e.Token}@{e.At.UtcTicks}"));
        HistoryPending = text.Length == 0 ? null : text;
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
