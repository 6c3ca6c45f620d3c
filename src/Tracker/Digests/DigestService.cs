using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Mail;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Schedules;

namespace Tracker.Digests;

/// <summary>Loads what a digest needs and turns the composition into a message; shared by the job and the preview.</summary>
public sealed class DigestService(
    HistoryLoader loader, Snapshots snapshots, MetricsEngine engine, UnsubscribeTokens tokens, PublicBaseUrl publicBaseUrl, TimeProvider time)
{
    /// <summary>The projects of a portfolio, read once: their names and compact histories (for days without a final snapshot).</summary>
    public sealed record Source(PortfolioEntity Portfolio, IReadOnlyList<ProjectHistory> Histories, IReadOnlyDictionary<string, string> Names);

    public async Task<Source> LoadAsync(PortfolioEntity portfolio, CancellationToken ct)
    {
        var (projects, _) = await loader.LoadProjectsAsync(portfolio.RowKey, ct);
        return new Source(
            portfolio,
            [.. projects.Select(p => HistoryLoader.ToHistory(p.Project, p.Facts))],
            projects.ToDictionary(p => p.Project.RowKey, p => p.Project.Name, StringComparer.Ordinal));
    }

    /// <summary>
    /// The part of a digest that is the same for every recipient: the metrics of the last complete day (in the
    /// portfolio's time zone) and of the period before, the composed content and the chart.
    /// </summary>
    public sealed record Prepared(DigestInput Input, DigestContent Content, byte[] Chart)
    {
        /// <summary>The digest for one recipient: only the unsubscribe link differs.</summary>
        public Digest For(string unsubscribeUrl)
        {
            var input = Input with { UnsubscribeUrl = unsubscribeUrl };
            return new Digest(Content, DigestComposer.Html(input, Content), DigestComposer.Text(input, Content), Chart);
        }
    }

    /// <summary>
    /// Metrics of the last complete day and of the period before: each day's final snapshot when the job wrote one
    /// (<see cref="Snapshots.FindFinalAsync"/>), computed from the compact histories otherwise — the same numbers.
    /// </summary>
    public async Task<Prepared> PrepareAsync(Source source, Cadence cadence, CancellationToken ct)
    {
        var portfolio = source.Portfolio;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), portfolio.Zone).DateTime);
        var asOf = today.AddDays(-1);
        var previous = asOf.AddDays(cadence == Cadence.Daily ? -1 : -7);
        var input = new DigestInput(
            PortfolioId: portfolio.RowKey,
            PortfolioName: portfolio.Name,
            Cadence: cadence,
            AsOf: asOf,
            Current: await ResultAsync(source, asOf, ct),
            Previous: await ResultAsync(source, previous, ct),
            ProjectNames: source.Names,
            UnsubscribeUrl: "",
            StaleDays: engine.Options.StaleDays,
            OverBudgetBelow: engine.Options.AmberCostPerformance,
            SentOn: today);
        var content = DigestComposer.Compose(input);
        return new Prepared(input, content, DigestChart.Render(content.Headlines));
    }

    private async Task<MetricsResult> ResultAsync(Source source, DateOnly day, CancellationToken ct) =>
        await snapshots.FindFinalAsync(source.Portfolio.RowKey, day, source.Portfolio.Zone, ct)
        ?? engine.Compute(source.Portfolio.RowKey, source.Histories, day, source.Portfolio.Zone);

    public async Task<string> UnsubscribeUrlAsync(string portfolioId, string subscriptionId, HttpRequest? request, CancellationToken ct) =>
        $"{BaseUrl(request)}/{Routes.Prefix}/{Routes.Unsubscribe}?token={Uri.EscapeDataString(await tokens.CreateAsync(portfolioId, subscriptionId, ct))}";

    /// <summary>See <see cref="PublicBaseUrl"/>: the configured URL, Azure's host name, or the request's own.</summary>
    public string BaseUrl(HttpRequest? request) => publicBaseUrl.For(request);

    /// <summary>The digest as a mail to one subscriber, with its one-click unsubscribe link and the chart inline.</summary>
    public static OutgoingMail Mail(Digest digest, string to, string unsubscribeUrl, string messageId) =>
        new(MailPurpose.Digest, to, digest.Content.Subject, messageId, digest.Text, digest.Html)
        {
            UnsubscribeUrl = unsubscribeUrl,
            Images = [new MailImage(Digest.ChartContentId, "rates.png", "image/png", digest.Chart)],
        };
}
