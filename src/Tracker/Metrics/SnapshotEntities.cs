using System.Globalization;
using Azure.Data.Tables;
using Tracker.Common;
using Tracker.Portfolios;
using Tracker.Storage;

namespace Tracker.Metrics;

/// <summary>Day keys: yyyymmdd as text (RowKey, PartitionKey suffix) and as the integer DateSK.</summary>
public static class DayKey
{
    public static string Text(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static int Number(DateOnly day) => day.Year * 10000 + day.Month * 100 + day.Day;

    public static DateOnly Parse(string text) => DateOnly.ParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture);

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
        RowKey, DateOnly.FromDateTime(Date.UtcDateTime), Active,
        TrackerJson.Parse<ProjectStatus>(Status) ?? ProjectStatus.Active,
        TrackerJson.Parse<Portfolios.Priority>(Priority) ?? Portfolios.Priority.Medium,
        TrackerJson.Parse<Portfolios.Category>(Category) ?? Portfolios.Category.Cloud,
        Budget, Spend, PercentComplete, PlannedPercent, ScheduleVariance, Velocity, PreviousVelocity, Accelerating,
        ForecastCompletion is { } f ? DateOnly.FromDateTime(f.UtcDateTime) : null,
        SlipDays, CostPerformance, PriorityRaised, InvestmentIncreased, DaysSinceUpdate,
        TrackerJson.Parse<Portfolios.Rag>(Rag) ?? Portfolios.Rag.Green, AttentionScore);
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
            ["Date"] = ProjectEntity.StoreDate(m.AsOf),
            ["DateSK"] = DayKey.Number(m.AsOf),
            ["ActiveProjects"] = m.ActiveProjects,
            ["Stale"] = m.Counts.Stale,
            ["Slipping"] = m.Counts.Slipping,
            ["MeanVelocity"] = m.MeanVelocity,
            ["MedianSlipDays"] = m.MedianSlipDays,
            ["OnTrackShare"] = m.OnTrackShare,
            ["ComputedAt"] = computedAt,
        };
        foreach (var definition in RateDefinitions.All)
        {
            var (column, rate) = (definition.Column, m.Rates[definition.Id]);
            e[column + "Value"] = rate.Value;
            e[column + "Baseline"] = rate.Baseline;
            e[column + "GapPoints"] = rate.GapPoints;
            e[column + "Standing"] = TrackerJson.Name(rate.Standing);
        }
        foreach (var (status, count) in m.Counts.ByStatus)
        {
            e["ByStatus" + Column(status)] = count;
        }
        foreach (var (rag, count) in m.Counts.ByRag)
        {
            e["ByRag" + Column(rag)] = count;
        }
        return e;
    }

    public static PortfolioMetrics ToMetrics(TableEntity e)
    {
        var rates = new PortfolioRates(RateDefinitions.All.ToDictionary(d => d.Id, d => new Rate(
            e.GetDouble(d.Column + "Value"), e.GetDouble(d.Column + "Baseline") ?? 0, e.GetDouble(d.Column + "GapPoints"),
            TrackerJson.Parse<Standing>(e.GetString(d.Column + "Standing")) ?? Standing.NoData)));
        var byStatus = Enum.GetValues<ProjectStatus>().Select(s => TrackerJson.Name(s)).ToDictionary(s => s, s => e.GetInt32("ByStatus" + Column(s)) ?? 0);
        var byRag = Enum.GetValues<Portfolios.Rag>().Select(r => TrackerJson.Name(r)).ToDictionary(r => r, r => e.GetInt32("ByRag" + Column(r)) ?? 0);
        return new PortfolioMetrics(
            e.PartitionKey, PortfolioSnapshotStore.DayOf(e.RowKey), e.GetInt32("ActiveProjects") ?? 0, rates,
            new PortfolioCounts(byStatus, byRag, e.GetInt32("Stale") ?? 0, e.GetInt32("Slipping") ?? 0),
            e.GetDouble("MeanVelocity"), e.GetDouble("MedianSlipDays"), e.GetDouble("OnTrackShare"));
    }

    private static string Column(string camel) => char.ToUpperInvariant(camel[0]) + camel[1..];
}
