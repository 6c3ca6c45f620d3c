using System.ComponentModel.DataAnnotations;

namespace Tracker.Metrics;

/// <summary>The <c>Metrics</c> section: windows, thresholds and weights of the metric definitions, with their defaults.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    [Range(1, 365)] public int WindowDays { get; set; } = 28;

    [Range(1, 730)] public int LookbackDays { get; set; } = 90;

    [Range(0, 365)] public int RagOverrideDays { get; set; } = 14;

    [Range(0.0, 100.0)] public double AccelerationMargin { get; set; } = 0.5;

    [Range(0.0, 100.0)] public double StandingBandPoints { get; set; } = 2.5;

    [Range(0, 3650)] public int StaleDays { get; set; } = 14;

    [Range(0, 3650)] public int RedSlipDays { get; set; } = 30;

    [Range(0.0, 10.0)] public double RedCostPerformance { get; set; } = 0.8;

    [Range(0, 3650)] public int RedDaysSinceUpdate { get; set; } = 30;

    [Range(0, 3650)] public int AmberSlipDays { get; set; }

    [Range(0.0, 10.0)] public double AmberCostPerformance { get; set; } = 0.95;

    [Range(0, 3650)] public int AmberDaysSinceUpdate { get; set; } = 14;

    [Range(0.0, 100.0)] public double WeightLow { get; set; } = 10;

    [Range(0.0, 100.0)] public double WeightMedium { get; set; } = 25;

    [Range(0.0, 100.0)] public double WeightHigh { get; set; } = 40;

    [Range(0.0, 100.0)] public double WeightCritical { get; set; } = 55;

    [Range(0.0, 100.0)] public double CustomerEngagementBonus { get; set; } = 10;

    [Range(0.0, 100.0)] public double SlipWeight { get; set; } = 20;

    [Range(1, 3650)] public int SlipCapDays { get; set; } = 90;

    [Range(0.0, 100.0)] public double StalenessWeight { get; set; } = 10;

    [Range(1, 3650)] public int StalenessCapDays { get; set; } = 30;

    [Range(0.0, 100.0)] public double RedBonus { get; set; } = 5;

    [Range(1.0, 1000.0)] public double MaxAttentionScore { get; set; } = 100;
}
