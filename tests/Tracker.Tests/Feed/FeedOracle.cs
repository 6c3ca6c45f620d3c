// ODL 8 reads Edm.Date as Microsoft.OData.Edm.Date (obsolete only in view of ODL 9).
#pragma warning disable CS0618
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OData.Edm;
using Tracker.Feed;
using Tracker.Testing;

namespace Tracker.Tests.Feed;

/// <summary>Each filter of the tests written again as plain C#, independent of the feed's evaluator.</summary>
public static class FeedOracle
{
    private static readonly DateTimeOffset March = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static Func<Dictionary<string, object?>, bool> Predicate(string filter) => filter switch
    {
        "PortfolioId eq 'p-apac'" => r => S(r, "PortfolioId") == "p-apac",
        "PortfolioId eq 'p-apac' or PortfolioId eq 'p-emea' and Priority eq 'high'" =>
            r => S(r, "PortfolioId") == "p-apac" || (S(r, "PortfolioId") == "p-emea" && S(r, "Priority") == "high"),
        "Budget gt 100000 and Budget le 150000" => r => (decimal)r["Budget"]! > 100_000 && (decimal)r["Budget"]! <= 150_000,
        "Status ne 'active'" => r => S(r, "Status") != "active",
        "not (CustomerEngagement eq true)" => r => !(bool)r["CustomerEngagement"]!,
        "TargetDate eq null" => r => r["TargetDate"] is null,
        "StartDate ge 2025-11-01 and Category eq 'ai'" => r => (Date)r["StartDate"]! >= new Date(2025, 11, 1) && S(r, "Category") == "ai",
        "Owner ne null or Name lt 'Project 2'" => r => r["Owner"] is not null || string.CompareOrdinal(S(r, "Name"), "Project 2") < 0,
        "Owner ne null" => r => r["Owner"] is not null,
        "Id ge 'p-b'" => r => string.CompareOrdinal(S(r, "Id"), "p-b") >= 0,
        "ProjectKey eq 'p-emea|proj-03' and PercentComplete ge 95" => r => S(r, "ProjectKey") == "p-emea|proj-03" && (double?)r["PercentComplete"] >= 95,
        "Note eq 'note 10 it''s done'" => r => S(r, "Note") == "note 10 it's done",
        "Budget ne null and ReportedAt gt 2026-03-01T00:00:00Z" => r => r["Budget"] is not null && (DateTimeOffset)r["ReportedAt"]! > March,
        "2026-03-01T00:00:00Z lt ReportedAt and PortfolioId eq 'p-apac' and Rag eq 'amber'" =>
            r => (DateTimeOffset)r["ReportedAt"]! > March && S(r, "PortfolioId") == "p-apac" && S(r, "Rag") == "amber",
        "ProjectId eq 'proj-07' and DateSK le 20260112" => r => S(r, "ProjectId") == "proj-07" && (int)r["DateSK"]! <= 20260112,
        "Active eq false or SlipDays gt 10" => r => !(bool)r["Active"]! || (int?)r["SlipDays"] > 10,
        "PortfolioId eq 'p-emea' and Date eq 2026-02-01" => r => S(r, "PortfolioId") == "p-emea" && (Date)r["Date"]! == new Date(2026, 2, 1),
        "PriorityValue gt 0.3 and PriorityStanding eq 'behind'" => r => (double?)r["PriorityValue"] > 0.3 && S(r, "PriorityStanding") == "behind",
        _ => throw new ArgumentException("No oracle for " + filter),
    };

    private static string? S(Dictionary<string, object?> row, string name) => (string?)row[name];
}

/// <summary>The storage plan the feed builds for a filter, from the running server's own services.</summary>
public static class FeedPlans
{
    public static async Task<FeedPlan> PlanAsync(TestServer server, string set, string filter)
    {
        var model = server.Services.GetRequiredService<FeedModel>();
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?$filter=" + Uri.EscapeDataString(filter));
        var query = FeedQuery.Parse(model, model.Find(set)!, new Uri("http://localhost/api/odata/"), context.Request.Query);
        return await server.Services.GetRequiredService<FeedPlanner>().PlanAsync(query, null, default);
    }
}
