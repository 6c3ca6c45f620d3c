// ODL 8 represents Edm.Date as Microsoft.OData.Edm.Date (obsolete only in view of ODL 9, which uses DateOnly).
#pragma warning disable CS0618
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.OData.Edm;
using Tracker.Baselines;
using Tracker.Common;
using Tracker.Metrics;
using Tracker.Portfolios;
using C = Tracker.Metrics.PortfolioSnapshotColumns;
using J = Tracker.Portfolios.ProjectEntity;
using K = Microsoft.OData.Edm.EdmPrimitiveTypeKind;
using P = Tracker.Portfolios.PortfolioEntity;
using S = Tracker.Metrics.ProjectSnapshotEntity;
using U = Tracker.Portfolios.UpdateEntity;

namespace Tracker.Feed;

/// <summary>
/// The Power BI feed's model: six entity sets over the tables, with keys, relationships (navigation properties with
/// referential constraints) and EDM types — Edm.Date for days, Edm.DateTimeOffset for instants, Edm.Decimal for money.
/// </summary>
public sealed class FeedModel
{
    public const string Namespace = "Tracker";

    public FeedModel(IOptions<BaselineOptions> baselines, PortfolioStore portfolios, ProjectStore projects, UpdateStore updates,
        ProjectSnapshotStore projectSnapshots, PortfolioSnapshotStore portfolioSnapshots)
    {
        Sets =
        [
            Portfolios(portfolios), Projects(projects), Updates(updates), ProjectSnapshots(projectSnapshots), PortfolioSnapshots(portfolioSnapshots),
            Baselines(baselines.Value),
        ];
        Model = Build(Sets);
    }

    public IReadOnlyList<FeedSet> Sets { get; }

    public IEdmModel Model { get; }

    public FeedSet? Find(string name) => Sets.FirstOrDefault(s => s.Name == name);

    private static FeedSet Portfolios(PortfolioStore store) => new(FeedNames.Portfolios, "Portfolio", store,
    [
        new(FeedNames.Id, K.String, false, e => e.RowKey, "RowKey"),
        Text(nameof(P.Name)), Text(nameof(P.Owner), true), Text(nameof(P.TimeZone)), Text(nameof(P.Currency)), Instant(nameof(P.CreatedAt)),
        Instant(nameof(P.UpdatedAt)),
    ], [FeedNames.Id], new Dictionary<string, KeyRole> { [FeedNames.Id] = KeyRole.RowKey }, scopeProperty: FeedNames.Id);

    private static FeedSet Projects(ProjectStore store) => new(FeedNames.Projects, "Project", store,
    [
        new(FeedNames.ProjectKey, K.String, false, e => UpdateStore.Partition(e.PartitionKey, e.RowKey), "PartitionKey", "RowKey"),
        new(FeedNames.Id, K.String, false, e => e.RowKey, "RowKey"),
        new(FeedNames.PortfolioId, K.String, false, e => e.PartitionKey, "PartitionKey"),
        Text(nameof(J.Name)), Text(nameof(J.Category)), Text(nameof(J.Status)), Text(nameof(J.Priority)), Text(nameof(J.Owner), true),
        Day(nameof(J.StartDate)), Day(nameof(J.TargetDate), true), Money(nameof(J.Budget)), Money(nameof(J.Spend)), Number(nameof(J.PercentComplete)),
        Text(nameof(J.Rag), true), Flag(nameof(J.CustomerEngagement)), Text(nameof(J.CustomerKpi), true), Text(nameof(J.FinancialMeasure), true),
        Instant(nameof(J.LastUpdateAt), true), Instant(nameof(J.CreatedAt)), Instant(nameof(J.UpdatedAt)),
    ], [FeedNames.ProjectKey], new Dictionary<string, KeyRole> { [FeedNames.PortfolioId] = KeyRole.Portfolio, [FeedNames.Id] = KeyRole.RowKey });

    private static FeedSet Updates(UpdateStore store) => new(FeedNames.Updates, "Update", store,
    [
        new(FeedNames.Id, K.String, false, e => e.GetString(nameof(U.Id)), nameof(U.Id)),
        new(FeedNames.ProjectKey, K.String, false, e => e.PartitionKey, "PartitionKey"),
        new(FeedNames.PortfolioId, K.String, false, e => UpdateStore.PortfolioOf(e.PartitionKey), "PartitionKey"),
        Text(nameof(U.ProjectId)), Instant(nameof(U.ReportedAt)), Instant(nameof(U.RecordedAt)),
        Number(nameof(U.PercentComplete), true), Money(nameof(U.Spend), true), Money(nameof(U.Budget), true),
        Text(nameof(U.Priority), true), Text(nameof(U.Status), true), Text(nameof(U.Rag), true), Text(nameof(U.Note), true), Text(nameof(U.ReportedBy), true),
        new(FeedNames.ReportedDateSK, K.Int32, false, e => AsInstant(Value(e, nameof(U.ReportedAt))) is { } t ? DayKey.Number(DateOnly.FromDateTime(t.UtcDateTime)) : null,
            nameof(U.ReportedAt)),
        LastWritten(),
    ], [FeedNames.Id], new Dictionary<string, KeyRole>
    {
        [FeedNames.ReportedDateSK] = KeyRole.ReportedDay,
        [FeedNames.PortfolioId] = KeyRole.Portfolio,
        [FeedNames.ProjectKey] = KeyRole.PartitionKey,
        [nameof(U.ReportedAt)] = KeyRole.ReportedAt,
    });

    private static FeedSet ProjectSnapshots(ProjectSnapshotStore store) => new(FeedNames.ProjectSnapshots, "ProjectSnapshot", store,
    [
        new(FeedNames.ProjectKey, K.String, false, e => UpdateStore.Partition(e.GetString(nameof(S.PortfolioId)), e.RowKey), nameof(S.PortfolioId), "RowKey"),
        Text(nameof(S.PortfolioId)),
        new(FeedNames.ProjectId, K.String, false, e => e.RowKey, "RowKey"),
        Day(nameof(S.Date)), Whole(nameof(S.DateSK)), Flag(nameof(S.Active)), Text(nameof(S.Status)), Text(nameof(S.Priority)), Text(nameof(S.Category)),
        Money(nameof(S.Budget)), Money(nameof(S.Spend)), Number(nameof(S.PercentComplete)), Number(nameof(S.PlannedPercent), true),
        Number(nameof(S.ScheduleVariance), true), Number(nameof(S.Velocity), true), Number(nameof(S.PreviousVelocity), true),
        Flag(nameof(S.Accelerating), true), Day(nameof(S.ForecastCompletion), true), Whole(nameof(S.SlipDays), true),
        Number(nameof(S.CostPerformance), true), Flag(nameof(S.PriorityRaised)), Flag(nameof(S.InvestmentIncreased)),
        Whole(nameof(S.DaysSinceUpdate)), Text(nameof(S.Rag)), Number(nameof(S.AttentionScore)), LastWritten(),
    ], [FeedNames.ProjectKey, nameof(S.DateSK)], new Dictionary<string, KeyRole>
    {
        [nameof(S.PortfolioId)] = KeyRole.Portfolio,
        [nameof(S.Date)] = KeyRole.Day,
        [nameof(S.DateSK)] = KeyRole.Day,
        [FeedNames.ProjectId] = KeyRole.RowKey,
    });

    private static FeedSet PortfolioSnapshots(PortfolioSnapshotStore store)
    {
        var properties = new List<FeedProperty>
        {
            new(FeedNames.PortfolioId, K.String, false, e => e.PartitionKey, "PartitionKey"),
            Day(C.Date), Whole(C.DateSK), Whole(C.ActiveProjects),
        };
        foreach (var rate in RateDefinitions.All.Select(d => d.Column))
        {
            properties.AddRange([Number(C.Value(rate), true), Number(C.Baseline(rate)), Number(C.GapPoints(rate), true), Text(C.Standing(rate))]);
        }
        properties.AddRange(Enum.GetValues<ProjectStatus>().Select(s => Whole(C.ByStatus(TrackerJson.Name(s)))));
        properties.AddRange(Enum.GetValues<Rag>().Select(r => Whole(C.ByRag(TrackerJson.Name(r)))));
        properties.AddRange([Whole(C.Stale), Whole(C.Slipping), Number(C.MeanVelocity, true), Number(C.MedianSlipDays, true), Number(C.OnTrackShare, true), LastWritten()]);
        return new(FeedNames.PortfolioSnapshots, "PortfolioSnapshot", store, properties, [FeedNames.PortfolioId, C.DateSK],
            new Dictionary<string, KeyRole> { [FeedNames.PortfolioId] = KeyRole.PartitionKey, [C.Date] = KeyRole.Day, [C.DateSK] = KeyRole.Day });
    }

    private static FeedSet Baselines(BaselineOptions options)
    {
        var rows = SurveyBaselines.All(options).Select(b => new object?[] { b.Id, b.Value, b.Meaning, b.Source }).ToList();
        return new(FeedNames.Baselines, "Baseline", null,
        [
            new(FeedNames.Id, K.String, false, _ => null), new("Value", K.Double, false, _ => null),
            new("Meaning", K.String, false, _ => null), new("Source", K.String, false, _ => null),
        ], [FeedNames.Id], new Dictionary<string, KeyRole>(), () => rows);
    }

    private static IEdmModel Build(IReadOnlyList<FeedSet> sets)
    {
        var model = new EdmModel();
        var container = new EdmEntityContainer(Namespace, "Container");
        model.AddElement(container);
        var entitySets = new Dictionary<string, EdmEntitySet>();
        foreach (var set in sets)
        {
            var type = new EdmEntityType(Namespace, set.EntityType);
            foreach (var p in set.Properties)
            {
                var property = type.AddStructuralProperty(p.Name, p.Kind, p.Nullable);
                if (set.Keys.Contains(p.Name))
                {
                    type.AddKeys(property);
                }
            }
            model.AddElement(type);
            entitySets[set.Name] = container.AddEntitySet(set.Name, type);
        }
        // No navigation properties: Power Query would offer them as expandable columns and then ask for paths the feed
        // does not serve (Projects('k')/Updates). Relationships go by ProjectKey and PortfolioId (docs/power-bi.md, ADR 8).
        FeedCapabilities.Annotate(model, container, entitySets.Values);
        return model;
    }

    /// <summary>When storage last wrote the row (its Timestamp): the "detect data changes" column of incremental refresh.</summary>
    private static FeedProperty LastWritten() => new(FeedNames.LastWrittenAt, K.DateTimeOffset, false, e => e.Timestamp, nameof(TableEntity.Timestamp));

    private static FeedProperty Text(string name, bool nullable = false) => new(name, K.String, nullable, e => Value(e, name)?.ToString(), name);

    private static FeedProperty Instant(string name, bool nullable = false) => new(name, K.DateTimeOffset, nullable, e => AsInstant(Value(e, name)), name);

    private static FeedProperty Day(string name, bool nullable = false) =>
        new(name, K.Date, nullable, e => AsInstant(Value(e, name)) is { } d ? new Date(d.UtcDateTime.Year, d.UtcDateTime.Month, d.UtcDateTime.Day) : null, name);

    private static FeedProperty Money(string name, bool nullable = false) => new(name, K.Decimal, nullable, e => AsDouble(Value(e, name)) is { } v ? (decimal)v : null, name);

    private static FeedProperty Number(string name, bool nullable = false) => new(name, K.Double, nullable, e => AsDouble(Value(e, name)), name);

    private static FeedProperty Whole(string name, bool nullable = false) => new(name, K.Int32, nullable, e => AsDouble(Value(e, name)) is { } v ? (int)v : null, name);

    private static FeedProperty Flag(string name, bool nullable = false) => new(name, K.Boolean, nullable, e => Value(e, name) as bool?, name);

    private static object? Value(TableEntity e, string name) => e.TryGetValue(name, out var value) ? value : null;

    private static double? AsDouble(object? value) => value switch
    {
        null => null,
        double d => d,
        int i => i,
        long l => l,
        decimal m => (double)m,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static DateTimeOffset? AsInstant(object? value) => value switch
    {
        DateTimeOffset d => d,
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) => d,
        _ => null,
    };
}

/// <summary>
/// The feed's own names, each declared once: its entity sets and the properties it derives from keys. The other
/// properties carry the names of the storage columns they read (<c>nameof</c> the entity's property), so a renamed
/// column renames its property in one build, never silently empties a report's column.
/// </summary>
public static class FeedNames
{
    public const string Portfolios = nameof(Portfolios);
    public const string Projects = nameof(Projects);
    public const string Updates = nameof(Updates);
    public const string ProjectSnapshots = nameof(ProjectSnapshots);
    public const string PortfolioSnapshots = nameof(PortfolioSnapshots);
    public const string Baselines = nameof(Baselines);

    public const string Id = nameof(Id);
    public const string PortfolioId = nameof(PortfolioId);
    public const string ProjectId = nameof(ProjectId);

    /// <summary>portfolio|project: one key for a project across sets, for relationships in the Power BI model.</summary>
    public const string ProjectKey = nameof(ProjectKey);

    /// <summary>The UTC day of an update's ReportedAt as yyyymmdd: the integer key of incremental refresh.</summary>
    public const string ReportedDateSK = nameof(ReportedDateSK);

    /// <summary>When storage last wrote the row: the "detect data changes" column.</summary>
    public const string LastWrittenAt = nameof(LastWrittenAt);
}
