namespace Tracker.Common;

/// <summary>The <c>Tracker</c> section's security settings.</summary>
public sealed class TrackerOptions
{
    public const string Section = "Tracker";

    /// <summary>The first admin key. In Development, when absent, one is generated at start and printed once.</summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>Base URL used in links inside mails; the request's own when absent.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long an unfinished idempotent request holds its key before a retry may take it over.</summary>
    public TimeSpan IdempotencyPendingTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Seed the demo portfolio at start (the run command's --demo flag).</summary>
    public bool SeedDemoData { get; set; }
}
