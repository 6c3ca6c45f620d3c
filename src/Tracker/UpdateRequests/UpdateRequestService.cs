using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracker.Api;
using Tracker.Common;
using Tracker.Mail;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Schedules;

namespace Tracker.UpdateRequests;

/// <summary>A project in a request mail: what the tracker has for it now, and the link to its form.</summary>
public sealed record RequestedProject(
    string Id, string Name, decimal PercentComplete, decimal Spend, decimal Budget, string Currency, Rag? Rag, string? LastNote,
    DateTimeOffset? LastNoteAt, int DaysSinceUpdate, string FormUrl);

/// <summary>The mail one owner gets (or would get) this period.</summary>
public sealed record OwnerRequest(string Owner, string? Cc, string Subject, IReadOnlyList<RequestedProject> Projects, string State);

/// <summary>Every owner's request of a portfolio in the current period, as <c>:preview</c> shows it.</summary>
public sealed record UpdateRequestPreview(string PortfolioId, bool Enabled, string Period, DateTimeOffset PeriodStart, IReadOnlyList<OwnerRequest> Owners);

/// <summary>What <c>:send</c> (or the job, for one portfolio) did.</summary>
public sealed record UpdateRequestOutcome(string PortfolioId, string Period, int Sent, int AlreadySent, int OptedOut, int Failed, int Resent = 0);

/// <summary>
/// Update requests: which projects need an update (active, and no update for the cadence's days or stale per the
/// metrics' StaleDays), one mail per owner and period listing all of that owner's such projects with one signed form
/// link each, claimed in the UpdateRequests table before sending and marked after (the DigestLog pattern). The
/// portfolio owner is copied when a project of the mail was already in the owner's request of the previous period.
/// </summary>
public sealed partial class UpdateRequestService(
    ProjectStore projects, UpdateStore updates, UpdateRequestStore log, UpdateRequestTokens tokens, MailDelivery delivery,
    PublicBaseUrl publicBaseUrl, IOptions<MetricsOptions> metrics, IOptions<MailOptions> mailOptions, TimeProvider time,
    ILogger<UpdateRequestService> logger)
{
    /// <summary>The job sends within this long after a period's send time (later, the next period's request will do).</summary>
    public static readonly TimeSpan MaxLateness = TimeSpan.FromHours(12);

    /// <summary>The settings to use: the portfolio's, or for <c>:preview</c> and <c>:send</c> of a portfolio without any, weekly on Monday at 09:00.</summary>
    public static UpdateRequestSettings SettingsOf(PortfolioEntity portfolio) =>
        portfolio.RequestSettings is { Enabled: true } s ? s : new UpdateRequestSettings { Enabled = false, Cadence = RequestCadence.Weekly, Weekday = Weekday.Monday, SendTime = "09:00" };

    /// <summary>Whether a project needs an update: active, with no update for the period's days, or stale.</summary>
    public bool NeedsUpdate(ProjectEntity project, TimeZoneInfo zone, int periodDays, DateTimeOffset now) =>
        TrackerJson.Parse<ProjectStatus>(project.Status) == ProjectStatus.Active && project.Owner is { Length: > 0 }
        && DaysSinceUpdate(project, zone, now) is var days && (days >= periodDays || days > metrics.Value.StaleDays);

    /// <summary>Days since the latest update (or the start date, with none), in the portfolio's zone, to today: docs/metrics.md §3 (daysSinceUpdate) and §5.</summary>
    public static int DaysSinceUpdate(ProjectEntity project, TimeZoneInfo zone, DateTimeOffset now)
    {
        var last = LocalTime.Today(project.LastUpdateAt ?? project.StartDate, zone);
        return Math.Max(0, LocalTime.Today(now, zone).DayNumber - last.DayNumber);
    }

    public async Task<UpdateRequestPreview> PreviewAsync(PortfolioEntity portfolio, HttpRequest? request, CancellationToken ct)
    {
        var settings = SettingsOf(portfolio);
        var now = time.GetUtcNow();
        var period = settings.Period(portfolio.Zone, now);
        var owners = new List<OwnerRequest>();
        foreach (var (owner, items) in await DueAsync(portfolio, settings, request, now, ct))
        {
            var state = await log.OptedOutAsync(portfolio.RowKey, owner, ct) ? "optedOut"
                : (await log.FindAsync(portfolio.RowKey, period.Key, owner, ct))?.State ?? "due";
            owners.Add(new OwnerRequest(owner, await CcAsync(portfolio, settings, period, owner, items, ct), Subject(portfolio, items), items, state));
        }
        return new UpdateRequestPreview(portfolio.RowKey, portfolio.RequestSettings?.Enabled == true, period.Key, period.SendAt, owners);
    }

    /// <summary>
    /// Sends this period's requests of a portfolio, once per owner and period. The job passes <paramref name="anyTime"/>
    /// false: only within <see cref="MaxLateness"/> after the period's send time, and only when the portfolio has them enabled.
    /// </summary>
    /// <summary>Sends this period's requests now, whatever the time (<c>:send</c> and the dashboard's button); a 409 when no mail transport is configured.</summary>
    public Task<UpdateRequestOutcome> SendNowAsync(PortfolioEntity portfolio, HttpRequest? request, CancellationToken ct) =>
        delivery.IsConfigured
            ? SendAsync(portfolio, anyTime: true, request, ct)
            : throw Problems.Conflict("No mail transport is configured (Smtp:Host or Mail:OutboxPath); nothing was sent.");

    public async Task<UpdateRequestOutcome> SendAsync(PortfolioEntity portfolio, bool anyTime, HttpRequest? request, CancellationToken ct)
    {
        var settings = SettingsOf(portfolio);
        var now = time.GetUtcNow();
        var period = settings.Period(portfolio.Zone, now);
        if (!delivery.IsConfigured || !anyTime && (!settings.Enabled || now - period.SendAt >= MaxLateness))
        {
            return new UpdateRequestOutcome(portfolio.RowKey, period.Key, 0, 0, 0, 0);
        }
        int sent = 0, already = 0, optedOut = 0, failed = 0, resent = 0;
        foreach (var (owner, items) in await DueAsync(portfolio, settings, request, now, ct))
        {
            if (await log.OptedOutAsync(portfolio.RowKey, owner, ct))
            {
                optedOut++;
                continue;
            }
            var claim = new UpdateRequestEntity
            {
                PartitionKey = UpdateRequestStore.Partition(portfolio.RowKey),
                RowKey = UpdateRequestStore.RowKey(period.Key, owner),
                Email = owner,
                Period = period.Key,
                ClaimedAt = now,
                ProjectIds = string.Join(",", items.Select(i => i.Id)),
                MessageId = $"update-request.{portfolio.RowKey}.{UpdateRequestStore.OwnerKey(owner)}.{period.Key}@transformation-tracker",
            };
            var again = false;
            if (!await log.TryClaimAsync(claim, ct))
            {
                if (!await TakeOverStaleClaimAsync(claim, now, ct))
                {
                    already++;
                    continue;
                }
                again = true;
            }
            var cc = await CcAsync(portfolio, settings, period, owner, items, ct);
            claim.CopiedOwner = cc is not null;
            var optOutUrl = Url(request, Routes.UpdateRequestsUnsubscribe, await tokens.OptOutAsync(portfolio.RowKey, owner, ct));
            var failure = await delivery.SendAsync(Mail(portfolio, owner, cc, items, optOutUrl, claim.MessageId!, LocalTime.Today(now, portfolio.Zone)), ct);
            await MailClaims.SettleAsync(log, claim, failure, time.GetUtcNow());
            if (failure is null)
            {
                sent++;
                resent += again ? 1 : 0;
                LogSent(portfolio.RowKey, period.Key, items.Count, cc is not null);
            }
            else
            {
                failed++;
                LogFailed(portfolio.RowKey, period.Key, failure.Error);
            }
        }
        return new UpdateRequestOutcome(portfolio.RowKey, period.Key, sent, already, optedOut, failed, resent);
    }

    /// <summary>Each owner (lower-cased address) with the projects that need an update, in name order.</summary>
    private async Task<IReadOnlyList<(string Owner, IReadOnlyList<RequestedProject> Projects)>> DueAsync(
        PortfolioEntity portfolio, UpdateRequestSettings settings, HttpRequest? request, DateTimeOffset now, CancellationToken ct)
    {
        var expires = now + UpdateRequestTokens.Lifetime;
        var due = (await projects.AllAsync(portfolio.RowKey, ct)).Where(p => NeedsUpdate(p, portfolio.Zone, settings.PeriodDays, now)).ToList();
        var result = new List<(string, IReadOnlyList<RequestedProject>)>();
        foreach (var group in due.GroupBy(p => p.Owner!.Trim().ToLowerInvariant()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var items = new List<RequestedProject>();
            foreach (var project in group.OrderBy(p => p.Name, StringComparer.CurrentCultureIgnoreCase))
            {
                var note = await updates.NewestNoteAsync(portfolio.RowKey, project.RowKey, ct);
                var form = Url(request, Routes.UpdateForm, await tokens.FormAsync(portfolio.RowKey, project.RowKey, group.Key, expires, ct));
                items.Add(new RequestedProject(
                    Id: project.RowKey,
                    Name: project.Name,
                    PercentComplete: (decimal)project.PercentComplete,
                    Spend: (decimal)project.Spend,
                    Budget: (decimal)project.Budget,
                    Currency: portfolio.Currency,
                    Rag: TrackerJson.Parse<Rag>(project.Rag),
                    LastNote: note?.Note,
                    LastNoteAt: note?.ReportedAt,
                    DaysSinceUpdate: DaysSinceUpdate(project, portfolio.Zone, now),
                    FormUrl: form));
            }
            result.Add((group.Key, items));
        }
        return result;
    }

    /// <summary>The portfolio owner, when a project of this request was in the owner's request of the previous period too.</summary>
    private async Task<string?> CcAsync(
        PortfolioEntity portfolio, UpdateRequestSettings settings, SendPeriod period, string owner, IReadOnlyList<RequestedProject> items, CancellationToken ct)
    {
        if (portfolio.Owner is not { Length: > 0 } pmo || string.Equals(pmo, owner, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var previous = settings.Period(portfolio.Zone, period.SendAt.AddTicks(-1));
        var earlier = await log.FindAsync(portfolio.RowKey, previous.Key, owner, ct);
        return earlier is { State: "sent" } && earlier.ProjectIds.Split(',').Intersect(items.Select(i => i.Id)).Any() ? pmo : null;
    }

    private async Task<bool> TakeOverStaleClaimAsync(UpdateRequestEntity claim, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await log.FindAsync(portfolioId: claim.PartitionKey, claim.Period, claim.Email, ct);
        if (existing is null || !MailClaims.IsStale(existing, now, mailOptions.Value.ClaimTimeout))
        {
            return false;
        }
        claim.MessageId = existing.MessageId ?? claim.MessageId;
        return await log.TryTakeOverAsync(claim, existing.ETag, ct);
    }

    public static string Subject(PortfolioEntity portfolio, IReadOnlyList<RequestedProject> items) => items.Count == 1
        ? $"Progress update requested: {items[0].Name} ({portfolio.Name})"
        : $"Progress update requested: {items.Count} projects in {portfolio.Name}";

    private static OutgoingMail Mail(
        PortfolioEntity portfolio, string owner, string? cc, IReadOnlyList<RequestedProject> items, string optOutUrl, string messageId, DateOnly today)
    {
        var parameters = new Dictionary<string, object?> { ["Portfolio"] = portfolio, ["Requested"] = items, ["OptOutUrl"] = optOutUrl, ["Copied"] = cc is not null, ["Today"] = today };
        var html = HtmlTemplates.Render<Templates.RequestMail>(parameters);
        return new OutgoingMail(MailPurpose.UpdateRequest, owner, Subject(portfolio, items), messageId, Text(portfolio, items, optOutUrl, today), html)
        {
            Cc = cc,
            UnsubscribeUrl = optOutUrl,
        };
    }

    private static string Text(PortfolioEntity portfolio, IReadOnlyList<RequestedProject> items, string optOutUrl, DateOnly today)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"The PMO of {portfolio.Name} asks for your progress on {(items.Count == 1 ? "this project" : "these projects")}.").AppendLine();
        foreach (var p in items)
        {
            text.AppendLine(p.Name)
                .AppendLine(System.FormattableString.Invariant($"  {p.PercentComplete:0.#}% complete, spend {p.Spend:N0} of {p.Budget:N0} {p.Currency}, RAG {(p.Rag is { } r ? TrackerJson.Name(r) : "not reported")}"))
                .AppendLine(p.LastNote is null ? "  no note yet" : $"  last note ({p.LastNoteAt:yyyy-MM-dd}): {p.LastNote}")
                .AppendLine($"  {SendDay.LastUpdate(p.DaysSinceUpdate, today)}")
                .AppendLine($"  update: {p.FormUrl}").AppendLine();
        }
        text.AppendLine($"No more requests for {portfolio.Name}: {optOutUrl}");
        return text.ToString();
    }

    private string Url(HttpRequest? request, string route, string token) =>
        $"{publicBaseUrl.For(request)}/{Routes.Prefix}/{route}?token={Uri.EscapeDataString(token)}";

    [LoggerMessage(LogLevel.Information, "Update request of {PortfolioId} for period {Period} sent: {ProjectCount} projects, owner copied: {Copied}")]
    private partial void LogSent(string portfolioId, string period, int projectCount, bool copied);

    [LoggerMessage(LogLevel.Warning, "Update request of {PortfolioId} for period {Period} not sent: {Error}")]
    private partial void LogFailed(string portfolioId, string period, string error);
}
