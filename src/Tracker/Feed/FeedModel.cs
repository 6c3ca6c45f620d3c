// ODL 8 represents Edm.Date as Microsoft.OData.Edm.Date (obsolete only in view of ODL 9, which uses DateOnly).
#pragma warning disable CS0618
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.OData.Edm;
using Tracker.Baselines;
using Tracker.Metrics;
using Tracker.Portfolios;
using K = Microsoft.OData.Edm.EdmPrimitiveTypeKind;

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

    private static FeedSet Portfolios(PortfolioStore store) => new("Portfolios", "Portfolio", store,
    [
        new("Id", K.String, false, e => e.RowKey, "RowKey"),
        Text("Name"), Text("Owner", true), Text("TimeZone"), Text("Currency"), Instant("CreatedAt"), Instant("UpdatedAt"),
    ], ["Id"], new Dictionary<string, KeyRole> { ["Id"] = KeyRole.RowKey }, scopeProperty: "Id");

    private static FeedSet Projects(ProjectStore store) => new("Projects", "Project", store,
    [
        new("ProjectKey", K.String, false, e => UpdateStore.Partition(e.PartitionKey, e.RowKey), "PartitionKey", "RowKey"),
        new("Id", K.String, false, e => e.RowKey, "RowKey"),
        new("PortfolioId", K.String, false, e => e.PartitionKey, "PartitionKey"),
        Text("Name"), Text("Category"), Text("Status"), Text("Priority"), Text("Owner", true),
        Day("StartDate"), Day("TargetDate", true), Money("Budget"), Money("Spend"), Number("PercentComplete"),
        Text("Rag", true), Flag("CustomerEngagement"), Text("CustomerKpi", true), Text("FinancialMeasure", true),
        Instant("LastUpdateAt", true), Instant("CreatedAt"), Instant("UpdatedAt"),
    ], ["ProjectKey"], new Dictionary<string, KeyRole> { ["PortfolioId"] = KeyRole.Portfolio, ["Id"] = KeyRole.RowKey });

    private static FeedSet Updates(UpdateStore store) => new("Updates", "Update", store,
    [
        new("Id", K.String, false, e => e.GetString("Id"), "Id"),
        new("ProjectKey", K.String, false, e => e.PartitionKey, "PartitionKey"),
        new("PortfolioId", K.String, false, e => UpdateStore.PortfolioOf(e.PartitionKey), "PartitionKey"),
        Text("ProjectId"), Instant("ReportedAt"), Instant("RecordedAt"),
        Number("PercentComplete", true), Money("Spend", true), Money("Budget", true),
        Text("Priority", true), Text("Status", true), Text("Rag", true), Text("Note", true), Text("ReportedBy", true),
    ], ["Id"], new Dictionary<string, KeyRole>
    {
        ["PortfolioId"] = KeyRole.Portfolio,
        ["ProjectKey"] = KeyRole.PartitionKey,
        ["ReportedAt"] = KeyRole.ReportedAt,
    });

    private static FeedSet ProjectSnapshots(ProjectSnapshotStore store) => new("ProjectSnapshots", "ProjectSnapshot", store,
    [
        new("ProjectKey", K.String, false, e => UpdateStore.Partition(e.GetString("PortfolioId"), e.RowKey), "PortfolioId", "RowKey"),
        Text("PortfolioId"),
        new("ProjectId", K.String, false, e => e.RowKey, "RowKey"),
        Day("Date"), Whole("DateSK"), Flag("Active"), Text("Status"), Text("Priority"), Text("Category"),
        Money("Budget"), Money("Spend"), Number("PercentComplete"), Number("PlannedPercent", true), Number("ScheduleVariance", true),
        Number("Velocity", true), Number("PreviousVelocity", true), Flag("Accelerating", true), Day("ForecastCompletion", true),
        Whole("SlipDays", true), Number("CostPerformance", true), Flag("PriorityRaised"), Flag("InvestmentIncreased"),
        Whole("DaysSinceUpdate"), Text("Rag"), Number("AttentionScore"),
    ], ["ProjectKey", "DateSK"], new Dictionary<string, KeyRole>
    {
        ["PortfolioId"] = KeyRole.Portfolio,
        ["Date"] = KeyRole.Day,
        ["DateSK"] = KeyRole.Day,
        ["ProjectId"] = KeyRole.RowKey,
    });

    private static FeedSet PortfolioSnapshots(PortfolioSnapshotStore store)
    {
        var properties = new List<FeedProperty>
        {
            new("PortfolioId", K.String, false, e => e.PartitionKey, "PartitionKey"),
            Day("Date"), Whole("DateSK"), Whole("ActiveProjects"),
        };
        foreach (var rate in RateDefinitions.All.Select(d => d.Column))
        {
            properties.AddRange([Number(rate + "Value", true), Number(rate + "Baseline"), Number(rate + "GapPoints", true), Text(rate + "Standing")]);
        }
        properties.AddRange(Enum.GetNames<ProjectStatus>().Select(s => Whole("ByStatus" + s)));
        properties.AddRange(Enum.GetNames<Rag>().Select(r => Whole("ByRag" + r)));
        properties.AddRange([Whole("Stale"), Whole("Slipping"), Number("MeanVelocity", true), Number("MedianSlipDays", true), Number("OnTrackShare", true)]);
        return new("PortfolioSnapshots", "PortfolioSnapshot", store, properties, ["PortfolioId", "DateSK"],
            new Dictionary<string, KeyRole> { ["PortfolioId"] = KeyRole.PartitionKey, ["Date"] = KeyRole.Day, ["DateSK"] = KeyRole.Day });
    }

    private static FeedSet Baselines(BaselineOptions options)
    {
        var rows = SurveyBaselines.All(options).Select(b => new object?[] { b.Id, b.Value, b.Meaning, b.Source }).ToList();
        return new("Baselines", "Baseline", null,
        [
            new("Id", K.String, false, _ => null), new("Value", K.Double, false, _ => null),
            new("Meaning", K.String, false, _ => null), new("Source", K.String, false, _ => null),
        ], ["Id"], new Dictionary<string, KeyRole>(), () => rows);
    }

    private static IEdmModel Build(IReadOnlyList<FeedSet> sets)
    {
        var model = new EdmModel();
        var container = new EdmEntityContainer(Namespace, "Container");
        model.AddElement(container);
        var types = new Dictionary<string, EdmEntityType>();
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
            types[set.Name] = type;
            entitySets[set.Name] = container.AddEntitySet(set.Name, type);
        }
        Relate(types, entitySets, "Projects", "Portfolio", "Portfolios", "Projects", "PortfolioId", "Id");
        Relate(types, entitySets, "Updates", "Project", "Projects", "Updates", "ProjectKey", "ProjectKey");
        Relate(types, entitySets, "ProjectSnapshots", "Project", "Projects", "Snapshots", "ProjectKey", "ProjectKey");
        Relate(types, entitySets, "PortfolioSnapshots", "Portfolio", "Portfolios", "Snapshots", "PortfolioId", "Id");
        return model;
    }

    /// <summary>A many-to-one navigation (dependent.Name -> principal) with its partner collection and referential constraint.</summary>
    private static void Relate(Dictionary<string, EdmEntityType> types, Dictionary<string, EdmEntitySet> sets,
        string dependent, string toPrincipal, string principal, string toDependents, string foreignKey, string principalKey)
    {
        var d = types[dependent];
        var p = types[principal];
        var navigation = d.AddBidirectionalNavigation(
            new EdmNavigationPropertyInfo
            {
                Name = toPrincipal,
                Target = p,
                TargetMultiplicity = EdmMultiplicity.One,
                DependentProperties = [(IEdmStructuralProperty)d.FindProperty(foreignKey)],
                PrincipalProperties = [(IEdmStructuralProperty)p.FindProperty(principalKey)],
            },
            new EdmNavigationPropertyInfo { Name = toDependents, Target = d, TargetMultiplicity = EdmMultiplicity.Many });
        sets[dependent].AddNavigationTarget(navigation, sets[principal]);
        sets[principal].AddNavigationTarget(navigation.Partner, sets[dependent]);
    }

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
