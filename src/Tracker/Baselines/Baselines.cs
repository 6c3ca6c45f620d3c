using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Tracker.Api;

namespace Tracker.Baselines;

/// <summary>The <c>Baselines</c> section: survey values as fractions, each overridable per deployment.</summary>
public sealed class BaselineOptions
{
    public const string Section = "Baselines";

    [Range(0.0, 1.0)] public double Priority { get; set; } = 0.62;

    [Range(0.0, 1.0)] public double Speed { get; set; } = 0.58;

    [Range(0.0, 1.0)] public double Investment { get; set; } = 0.56;

    [Range(0.0, 1.0)] public double CustomerEngagement { get; set; } = 0.71;

    [Range(0.0, 1.0)] public double Cloud { get; set; } = 0.48;

    [Range(0.0, 1.0)] public double Crm { get; set; } = 0.41;

    [Range(0.0, 1.0)] public double Ai { get; set; } = 0.37;

    [Range(0.0, 1.0)] public double CustomerOutcomeLink { get; set; } = 0.36;
}

/// <summary>A survey baseline on the wire, with what it meant in the survey and where it comes from.</summary>
public sealed record Baseline(string Id, double Value, string Meaning, string Source);

/// <summary>The survey baselines with their meaning and source, from the configured values.</summary>
public static class SurveyBaselines
{
    private const string Pega = "Savanta for Pegasystems, 2020: 1,200 business decision-makers";
    private const string Eiu = "The Economist Intelligence Unit for BDO, 2014: 800 executives";

    public static IReadOnlyList<Baseline> All(BaselineOptions o) =>
    [
        new("priority", o.Priority, "organisations that want to give digital transformation more priority", Pega),
        new("speed", o.Speed, "organisations speeding up existing digitalisation projects", Pega),
        new("investment", o.Investment, "organisations investing more in digitalisation in general", Pega),
        new("customerEngagement", o.CustomerEngagement, "the crisis accelerated digital projects aimed at customer engagement", Pega),
        new("cloud", o.Cloud, "named cloud-based systems as a project needed for future crises", Pega),
        new("crm", o.Crm, "named CRM as a project needed for future crises", Pega),
        new("ai", o.Ai, "named AI-driven analytics and decision-making as a project needed for future crises", Pega),
        new("customerOutcomeLink", o.CustomerOutcomeLink, "have a strategy linking customer service to the bottom line", Eiu),
    ];
}

public sealed class BaselineHandlers(IOptions<BaselineOptions> options)
{
    public Task<ApiResponse> List(Call call) => Task.FromResult(ApiResponse.Ok(new Page<Baseline>(SurveyBaselines.All(options.Value), null)));
}
