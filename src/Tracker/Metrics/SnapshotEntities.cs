using System.Globalization;
using Azure.Data.Tables;
using Tracker.Common;
using Tracker.Portfolios;
using Tracker.Storage;
using C = Tracker.Metrics.PortfolioSnapshotColumns;

namespace Tracker.Metrics;

/// <summary>Day keys: yyyymmdd as text (RowKey, PartitionKey suffix) and as the integer DateSK.</summary>
public static class DayKey
{
    public static string Text(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static int Number(DateOnly day) => day.Year * 10000 + day.Month * 100 + day.Day;

    public static DateOnly Parse(string text) => DateOnly.ParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The day a yyyymmdd number stands for; null when it is no day.</summary>
    public static DateOnly? DayOf(long number) =>
        DateOnly.TryParseExact(FromNumber(number), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>The key text of a DateSK number as a range bound: any number, clamped to eight digits.</summary>
    public static string FromNumber(long dateSk) => Math.Clamp(dateSk, 0, 99_999_999).ToString("D8", CultureInfo.InvariantCulture);
}

/// <summary>A project's metrics as of a day; its keys are <see cref="ProjectSnapshotStore"/>'s.</summary>
public sealed class ProjectSnapshotEntity : TableRow
{
    public string PortfolioId { get; set; } = "";

    public DateTimeOffset Date { get; set; }

    public int DateSK { get; set; }

    public bool Active { get; set; }

    public string Status { get; set; } = "";

    public string Priority { get; set; } = "";

    public string Category { get; set; } = "";

    public double Budget { get; set; }

    public double Spend { get; set; }

    public double PercentComplete { get; set; }

    public double? PlannedPercent { get; set; }

    public double? ScheduleVariance { get; set; }

    public double? Velocity { get; set; }

    public double? PreviousVelocity { get; set; }

    public bool? Accelerating { get; set; }

    public DateTimeOffset? ForecastCompletion { get; set; }

    public int? SlipDays { get; set; }

    public double? CostPerformance { get; set; }

    public bool PriorityRaised { get; set; }

    public bool InvestmentIncreased { get; set; }

    public int DaysSinceUpdate { get; set; }

    public string Rag { get; set; } = "";

    public double AttentionScore { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    public static ProjectSnapshotEntity From(string portfolioId, ProjectMetrics m, DateTimeOffset computedAt) => new()
    {
        PartitionKey = ProjectSnapshotStore.Partition(portfolioId, m.AsOf),
        RowKey = ProjectSnapshotStore.RowKey(m.ProjectId),
        PortfolioId = portfolioId,
        Date = ProjectEntity.StoreDate(m.AsOf),
        DateSK = DayKey.Number(m.AsOf),
        Active = m.Active,
        Status = TrackerJson.Name(m.Status),
        Priority = TrackerJson.Name(m.Priority),
        Category = TrackerJson.Name(m.Category),
        Budget = m.Budget,
        Spend = m.Spend,
        PercentComplete = m.PercentComplete,
        PlannedPercent = m.PlannedPercent,
        ScheduleVariance = m.ScheduleVariance,
        Velocity = m.Velocity,
        PreviousVelocity = m.PreviousVelocity,
        Accelerating = m.Accelerating,
        ForecastCompletion = m.ForecastCompletion is { } f ? ProjectEntity.StoreDate(f) : null,
        SlipDays = m.SlipDays,
        CostPerformance = m.CostPerformance,
        PriorityRaised = m.PriorityRaised,
        InvestmentIncreased = m.InvestmentIncreased,
        DaysSinceUpdate = m.DaysSinceUpdate,
        Rag = TrackerJson.Name(m.Rag),
        AttentionScore = m.AttentionScore,
        ComputedAt = computedAt,
    };

    public ProjectMetrics ToMetrics() => new(
        ProjectId: RowKey,
        AsOf: DateOnly.FromDateTime(Date.UtcDateTime),
        Active: Active,
        Status: TrackerJson.Parse<ProjectStatus>(Status) ?? ProjectStatus.Active,
        Priority: TrackerJson.Parse<Portfolios.Priority>(Priority) ?? Portfolios.Priority.Medium,
        Category: TrackerJson.Parse<Portfolios.Category>(Category) ?? Portfolios.Category.Cloud,
        Budget: Budget,
        Spend: Spend,
        PercentComplete: PercentComplete,
        PlannedPercent: PlannedPercent,
        ScheduleVariance: ScheduleVariance,
        Velocity: Velocity,
        PreviousVelocity: PreviousVelocity,
        Accelerating: Accelerating,
        ForecastCompletion: ForecastCompletion is { } f ? DateOnly.FromDateTime(f.UtcDateTime) : null,
        SlipDays: SlipDays,
        CostPerformance: CostPerformance,
        PriorityRaised: PriorityRaised,
        InvestmentIncreased: InvestmentIncreased,
        DaysSinceUpdate: DaysSinceUpdate,
        Rag: TrackerJson.Parse<Portfolios.Rag>(Rag) ?? Portfolios.Rag.Green,
        AttentionScore: AttentionScore);
}

/// <summary>
/// A portfolio's metrics as of a day (keys: <see cref="PortfolioSnapshotStore"/>). Rates and counts are flat
/// columns (<c>PriorityValue</c>, <c>PriorityGapPoints</c>, <c>ByStatusActive</c>, ...) so that every number is a
/// typed column for the Power BI feed.
/// </summary>
public static class PortfolioSnapshotEntity
{
    public static TableEntity From(PortfolioMetrics m, DateTimeOffset computedAt)
    {
        var e = new TableEntity(PortfolioSnapshotStore.Partition(m.PortfolioId), PortfolioSnapshotStore.RowKey(m.AsOf))
        {
            [C.Date] = ProjectEntity.StoreDate(m.AsOf),
            [C.DateSK] = DayKey.Number(m.AsOf),
            [C.ActiveProjects] = m.ActiveProjects,
            [C.Stale] = m.Counts.Stale,
            [C.Slipping] = m.Counts.Slipping,
            [C.MeanVelocity] = m.MeanVelocity,
            [C.MedianSlipDays] = m.MedianSlipDays,
            [C.OnTrackShare] = m.OnTrackShare,
            [C.ComputedAt] = computedAt,
        };
        foreach (var definition in RateDefinitions.All)
        {
            var (column, rate) = (definition.Column, m.Rates[definition.Id]);
            e[C.Value(column)] = rate.Value;
            e[C.Baseline(column)] = rate.Baseline;
            e[C.GapPoints(column)] = rate.GapPoints;
            e[C.Standing(column)] = TrackerJson.Name(rate.Standing);
        }
        foreach (var (status, count) in m.Counts.ByStatus)
        {
            e[C.ByStatus(status)] = count;
        }
        foreach (var (rag, count) in m.Counts.ByRag)
        {
            e[C.ByRag(rag)] = count;
        }
        return e;
    }

    public static PortfolioMetrics ToMetrics(TableEntity e)
    {
        var rates = new PortfolioRates(RateDefinitions.All.ToDictionary(d => d.Id, d => new Rate(
            e.GetDouble(C.Value(d.Column)), e.GetDouble(C.Baseline(d.Column)) ?? 0, e.GetDouble(C.GapPoints(d.Column)),
            TrackerJson.Parse<Standing>(e.GetString(C.Standing(d.Column))) ?? Standing.NoData)));
        var byStatus = Enum.GetValues<ProjectStatus>().Select(s => TrackerJson.Name(s)).ToDictionary(s => s, s => e.GetInt32(C.ByStatus(s)) ?? 0);
        var byRag = Enum.GetValues<Portfolios.Rag>().Select(r => TrackerJson.Name(r)).ToDictionary(r => r, r => e.GetInt32(C.ByRag(r)) ?? 0);
        return new PortfolioMetrics(
            e.PartitionKey, PortfolioSnapshotStore.DayOf(e.RowKey), e.GetInt32(C.ActiveProjects) ?? 0, rates,
            new PortfolioCounts(byStatus, byRag, e.GetInt32(C.Stale) ?? 0, e.GetInt32(C.Slipping) ?? 0),
            e.GetDouble(C.MeanVelocity), e.GetDouble(C.MedianSlipDays), e.GetDouble(C.OnTrackShare));
    }

}

/// <summary>
/// The columns of a PortfolioSnapshots row, each declared once: the store writes and reads them, and the feed
/// serves them under the same names.
/// </summary>
public static class PortfolioSnapshotColumns
{
    public const string Date = nameof(Date);
    public const string DateSK = nameof(DateSK);
    public const string ActiveProjects = nameof(ActiveProjects);
    public const string Stale = nameof(Stale);
    public const string Slipping = nameof(Slipping);
    public const string MeanVelocity = nameof(MeanVelocity);
    public const string MedianSlipDays = nameof(MedianSlipDays);
    public const string OnTrackShare = nameof(OnTrackShare);
    public const string ComputedAt = nameof(ComputedAt);

    /// <summary>A rate's value (its <see cref="RateDefinition.Column"/>: <c>PriorityValue</c>).</summary>
    public static string Value(string rate) => rate + "Value";

    public static string Baseline(string rate) => rate + "Baseline";

    public static string GapPoints(string rate) => rate + "GapPoints";

    public static string Standing(string rate) => rate + "Standing";

    /// <summary>The count of active projects with a status (<c>onHold</c> → <c>ByStatusOnHold</c>).</summary>
    public static string ByStatus(string status) => nameof(ByStatus) + Pascal(status);

    public static string ByRag(string rag) => nameof(ByRag) + Pascal(rag);

    private static string Pascal(string camel) => char.ToUpperInvariant(camel[0]) + camel[1..];
}
