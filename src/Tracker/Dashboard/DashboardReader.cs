using Microsoft.Extensions.Caching.Memory;
using Tracker.Api;
using Tracker.Common;
using Tracker.Metrics;
using Tracker.Portfolios;

namespace Tracker.Dashboard;

/// <summary>A portfolio on the portfolios page: its newest metrics (null before the first snapshot).</summary>
public sealed record PortfolioCard(Portfolio Portfolio, PortfolioMetrics? Metrics);

/// <summary>A row of the portfolio page's project table: the project's name and owner next to its metrics of the day.</summary>
public sealed record ProjectRow(string Id, string Name, string? Owner, ProjectMetrics Metrics)
{
    public bool OverBudget => Metrics.Spend > Metrics.Budget;

    public bool Stale(int staleDays) => Metrics.DaysSinceUpdate > staleDays;

    public bool Slipping => Metrics.SlipDays > 0;
}

/// <summary>What the project table shows: filters, sort and page, all from the query string.</summary>
public sealed record ProjectTableQuery(
    Category? Category, ProjectStatus? Status, Priority? Priority, Rag? Rag, string? Owner, string Sort, bool Descending, int Page)
{
    public const int PageSize = 50;

    public static readonly IReadOnlyList<(string Id, string Label)> Sorts =
    [
        ("attention", "Attention"), ("name", "Name"), ("owner", "Owner"), ("percent", "% complete"), ("slip", "Slip (days)"),
        ("budget", "Budget"), ("spend", "Spend"), ("updated", "Days since update"),
    ];

    public static ProjectTableQuery From(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        string? Text(string name) => request.Query[name].FirstOrDefault() is { Length: > 0 and <= 200 } v ? v.Trim() : null;
        var sort = Text("sort") is { } s && Sorts.Any(x => x.Id == s) ? s : "attention";
        var descending = Text("dir") is { } d ? d == "desc" : sort is "attention" or "slip" or "updated";
        var page = int.TryParse(Text("page"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is > 0 and < 100_000 ? p : 1;
        return new ProjectTableQuery(TrackerJson.Parse<Category>(Text("category")), TrackerJson.Parse<ProjectStatus>(Text("status")),
            TrackerJson.Parse<Priority>(Text("priority")), TrackerJson.Parse<Rag>(Text("rag")), Text("owner"), sort, descending, page);
    }

    public IEnumerable<ProjectRow> Apply(IEnumerable<ProjectRow> rows)
    {
        var filtered = rows.Where(r => (Category is null || r.Metrics.Category == Category) && (Status is null || r.Metrics.Status == Status)
            && (Priority is null || r.Metrics.Priority == Priority) && (Rag is null || r.Metrics.Rag == Rag)
            && (Owner is null || (r.Owner ?? "").Contains(Owner, StringComparison.OrdinalIgnoreCase)));
        Func<ProjectRow, object?> key = Sort switch
        {
            "name" => r => r.Name,
            "owner" => r => r.Owner ?? "",
            "percent" => r => r.Metrics.PercentComplete,
            "slip" => r => r.Metrics.SlipDays ?? int.MinValue,
            "budget" => r => r.Metrics.Budget,
            "spend" => r => r.Metrics.Spend,
            "updated" => r => r.Metrics.DaysSinceUpdate,
            _ => r => r.Metrics.AttentionScore,
        };
        var sorted = Descending ? filtered.OrderByDescending(key, Comparer<object?>.Default) : filtered.OrderBy(key, Comparer<object?>.Default);
        return sorted.ThenBy(r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>The query string of this table with some values changed (null removes one).</summary>
    public string With(params (string Name, string? Value)[] changes)
    {
        var values = new Dictionary<string, string?>
        {
            ["category"] = Category is { } c ? TrackerJson.Name(c) : null,
            ["status"] = Status is { } s ? TrackerJson.Name(s) : null,
            ["priority"] = Priority is { } p ? TrackerJson.Name(p) : null,
            ["rag"] = Rag is { } r ? TrackerJson.Name(r) : null,
            ["owner"] = Owner,
            ["sort"] = Sort == "attention" ? null : Sort,
            ["dir"] = Descending ? "desc" : "asc",
            ["page"] = Page == 1 ? null : Page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in changes)
        {
            values[name] = value;
        }
        var parts = values.Where(v => v.Value is not null).Select(v => $"{v.Key}={Uri.EscapeDataString(v.Value!)}");
        return "?" + string.Join("&", parts) + "#projects";
    }
}

/// <summary>Everything the portfolio page shows, for one day.</summary>
public sealed record PortfolioView(
    Portfolio Portfolio, DateOnly Day, string Source, PortfolioMetrics Metrics, IReadOnlyList<PortfolioMetrics> Trend,
    IReadOnlyList<ProjectRow> Attention, IReadOnlyList<ProjectRow> Page, int Matching, int Total, ProjectTableQuery Query,
    IReadOnlyList<string> Owners, int StaleDays, int OverBudgetCount)
{
    /// <summary>Projects created after the snapshot was computed: in the table, not yet in the rates.</summary>
    public int AddedSinceSnapshot { get; init; }
}

/// <summary>Everything the project page shows.</summary>
public sealed record ProjectView(
    Portfolio Portfolio, Project Project, DateOnly Day, string Source, ProjectMetrics Metrics, ProjectHistory History,
    IReadOnlyList<ProgressUpdate> Updates, bool MoreUpdates, DateOnly Today, TimeZoneInfo Zone);

/// <summary>
/// Reads what the pages show. The portfolio page reads the newest daily snapshot (portfolio and project rows of one
/// day), the 90 days before it and the projects' names — never a history; only a portfolio that has no snapshot
/// yet is computed, from its compact histories, as the metrics API does. Numbers are the API's for the same day.
/// </summary>
public sealed class DashboardReader(
    PortfolioStore portfolios, ProjectStore projects, UpdateStore updates, Snapshots snapshots, HistoryLoader loader, MetricsEngine engine,
    Microsoft.Extensions.Options.IOptions<MetricsOptions> metricsOptions, IMemoryCache cache, TimeProvider time)
{
    private readonly MetricsOptions options = metricsOptions.Value;

    public const int TrendDays = 90;

    public const int UpdatesShown = 50;

    /// <summary>How many projects created since the newest snapshot the portfolio page computes itself; the next job run takes in the rest.</summary>
    public const int MaxAddedComputed = 100;

    public async Task<IReadOnlyList<PortfolioCard>> CardsAsync(Caller caller, CancellationToken ct)
    {
        var (items, _) = await portfolios.ListAsync(200, null, caller.Portfolios, ct);
        var cards = new List<PortfolioCard>();
        foreach (var portfolio in items)
        {
            var today = Today(portfolio);
            var (trend, _) = await snapshots.ListPortfolioAsync(portfolio.RowKey, today.AddDays(-6), today, 7, null, ct);
            cards.Add(new PortfolioCard(portfolio.ToApi(), trend.Count > 0 ? trend[^1] : null));
        }
        return cards;
    }

    public async Task<PortfolioView> PortfolioAsync(string portfolioId, ProjectTableQuery query, CancellationToken ct)
    {
        var portfolio = await portfolios.GetAsync(portfolioId, ct);
        var today = Today(portfolio);
        // Three independent reads at once: the trend's portfolio rows, the newest day's key and the projects' names.
        var trendRead = snapshots.ListPortfolioAsync(portfolioId, today.AddDays(-(TrendDays - 1)), today, TrendDays, null, ct);
        var latestRead = snapshots.LatestAsync(portfolioId, today.AddDays(-(TrendDays - 1)), ct);
        var namesRead = projects.NamesAsync(portfolioId, ct);
        var (trend, _) = await trendRead;
        var latest = await latestRead;
        var names = await namesRead;
        PortfolioMetrics metrics;
        IReadOnlyList<ProjectMetrics> projectMetrics;
        string source;
        if (trend.Count > 0)
        {
            metrics = trend[^1];
            projectMetrics = await ProjectDayAsync(portfolioId, metrics.AsOf, latest is { } l && l.Day == metrics.AsOf ? l.ComputedAt : null, ct);
            source = "snapshot";
        }
        else
        {
            var computed = engine.Compute(portfolioId, await loader.LoadAsync(portfolioId, ct), today, portfolio.Zone);
            (metrics, projectMetrics, source) = (computed.Portfolio, computed.Projects, "computed");
        }
        var byId = names.ToDictionary(n => n.RowKey, StringComparer.Ordinal);
        var rows = projectMetrics.Where(m => byId.ContainsKey(m.ProjectId))
            .Select(m => new ProjectRow(m.ProjectId, byId[m.ProjectId].Name, byId[m.ProjectId].Owner, m)).ToList();
        // Projects created since the snapshot (an import a moment ago) are listed too, each computed from its own row.
        var inSnapshot = projectMetrics.Select(m => m.ProjectId).ToHashSet(StringComparer.Ordinal);
        var added = names.Where(n => !inSnapshot.Contains(n.RowKey)).ToList();
        foreach (var name in added.Take(MaxAddedComputed))
        {
            var project = await projects.GetAsync(portfolioId, name.RowKey, ct);
            rows.Add(new ProjectRow(name.RowKey, name.Name, name.Owner, engine.ComputeProject(await loader.LoadProjectAsync(project, ct), metrics.AsOf, portfolio.Zone)));
        }
        var attention = rows.Where(r => r.Metrics.Active && (r.Slipping || r.Stale(options.StaleDays) || r.OverBudget))
            .OrderByDescending(r => r.Metrics.AttentionScore).ThenBy(r => r.Id, StringComparer.Ordinal).Take(10).ToList();
        var matching = query.Apply(rows).ToList();
        var pages = Math.Max(1, (matching.Count + ProjectTableQuery.PageSize - 1) / ProjectTableQuery.PageSize);
        var shown = query with { Page = Math.Min(query.Page, pages) };
        var page = matching.Skip((shown.Page - 1) * ProjectTableQuery.PageSize).Take(ProjectTableQuery.PageSize).ToList();
        var owners = rows.Select(r => r.Owner).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        return new PortfolioView(Portfolio: portfolio.ToApi(), Day: metrics.AsOf, Source: source, Metrics: metrics, Trend: trend, Attention: attention,
            Page: page, Matching: matching.Count, Total: rows.Count, Query: shown, Owners: owners, StaleDays: options.StaleDays,
            OverBudgetCount: rows.Count(r => r.Metrics.Active && r.OverBudget))
        { AddedSinceSnapshot = source == "snapshot" ? added.Count : 0 };
    }

    public async Task<ProjectView> ProjectAsync(string portfolioId, string projectId, CancellationToken ct)
    {
        var portfolio = await portfolios.GetAsync(portfolioId, ct);
        var project = await projects.GetAsync(portfolioId, projectId, ct);
        var today = Today(portfolio);
        var history = await loader.LoadProjectAsync(project, ct);
        // The portfolio page's day: the newest snapshot's, so both pages (and the API for that day) agree.
        var latest = await snapshots.LatestAsync(portfolioId, today.AddDays(-(TrendDays - 1)), ct);
        // The portfolio page's day (the newest snapshot's), so both pages and the API agree for that day — unless the
        // project changed after the snapshot was computed (an update posted a moment ago): then today, computed now.
        var changedSince = latest is { ComputedAt: { } computedAt } && project.UpdatedAt > computedAt;
        var day = latest is not null && !changedSince ? latest.Value.Day : today;
        var stored = latest is not null && !changedSince ? await snapshots.FindProjectAsync(portfolioId, projectId, day, ct) : null;
        var metrics = stored ?? engine.ComputeProject(history, day, portfolio.Zone);
        var (items, token) = await updates.ListAsync(portfolioId, projectId, null, null, UpdatesShown, null, ct);
        return new ProjectView(Portfolio: portfolio.ToApi(), Project: project.ToApi(), Day: day, Source: stored is null ? "computed" : "snapshot",
            Metrics: metrics, History: history, Updates: [.. items.Select(u => u.ToApi())], MoreUpdates: token is not null, Today: today, Zone: portfolio.Zone);
    }

    /// <summary>
    /// A day's project snapshots. A day's rows do not change while its portfolio row keeps its computedAt (a rerun
    /// writes new rows and then a new computedAt), so they are kept in memory for that key: a warm portfolio page of
    /// thousands of projects reads the trend and the names, not every project's snapshot again.
    /// </summary>
    private async Task<IReadOnlyList<ProjectMetrics>> ProjectDayAsync(string portfolioId, DateOnly day, DateTimeOffset? computedAt, CancellationToken ct)
    {
        if (computedAt is null)
        {
            return await snapshots.ProjectDayAsync(portfolioId, day, ct);
        }
        return (await cache.GetOrCreateAsync(("dashboard:project-day", portfolioId, day, computedAt.Value.UtcTicks), async entry =>
        {
            entry.SlidingExpiration = TimeSpan.FromMinutes(10);
            return await snapshots.ProjectDayAsync(portfolioId, day, ct);
        }))!;
    }

    private DateOnly Today(PortfolioEntity portfolio) => LocalTime.Today(time.GetUtcNow(), portfolio.Zone);
}
