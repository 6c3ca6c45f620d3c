using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Common;
using Tracker.Mail;
using Tracker.Portfolios;
using Tracker.Schedules;

namespace Tracker.Digests;

/// <summary>The digest preview as it would be sent now (the chart as base64 PNG beside the HTML that references it).</summary>
public sealed record DigestPreview(string Subject, string Html, string Text, string ChartPng, Cadence Cadence);

public sealed class DigestHandlers(
    PortfolioStore portfolios, SubscriptionStore subscriptions, DigestService digests, UnsubscribeTokens tokens,
    TimeProvider time)
{
    public async Task<ApiResponse> Subscribe(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var body = await call.ReadJsonAsync<CreateSubscriptionRequest>();
        var portfolio = await portfolios.GetAsync(portfolioId, call.Aborted);
        var entity = new SubscriptionEntity
        {
            PartitionKey = portfolioId,
            RowKey = call.Identity.Id,
            Email = body.Email!,
            Cadence = TrackerJson.Name(body.Cadence!.Value),
            Weekday = body.Weekday is { } w ? TrackerJson.Name(w) : null,
            SendTime = body.SendTime ?? "08:00",
            TimeZone = body.TimeZone ?? portfolio.TimeZone,
            Active = body.Active ?? true,
            CreatedAt = time.GetUtcNow(),
        };
        await subscriptions.AddAsync(entity, call.Aborted);
        return ApiResponse.Created(entity.ToApi(), $"{Routes.PortfolioPath(portfolioId)}/subscriptions/{entity.RowKey}");
    }

    public async Task<ApiResponse> List(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        await portfolios.GetAsync(portfolioId, call.Aborted);
        var fingerprint = Paging.Fingerprint("subscriptions", portfolioId);
        var paging = await call.PagingAsync(fingerprint);
        var (items, token) = await subscriptions.ListAsync(portfolioId, paging.Limit, paging.StorageToken, call.Aborted);
        return ApiResponse.Ok(new Page<Subscription>([.. items.Select(s => s.ToApi())], await call.NextTokenAsync(token, fingerprint)));
    }

    public async Task<ApiResponse> Get(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var subscriptionId = call.Route("subscriptionId");
        return ApiResponse.Ok((await FindAsync(portfolioId, subscriptionId, call.Aborted)).ToApi());
    }

    public async Task<ApiResponse> Unsubscribe(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var subscriptionId = call.Route("subscriptionId");
        await FindAsync(portfolioId, subscriptionId, call.Aborted);
        await subscriptions.DeleteAsync(portfolioId, subscriptionId, call.Aborted);
        return ApiResponse.NoContent();
    }

    public async Task<ApiResponse> Preview(Call call)
    {
        var portfolioId = call.Route("portfolioId");
        var cadence = Query.Enum<Cadence>(call.Request, "cadence") ?? Cadence.Weekly;
        var portfolio = await portfolios.GetAsync(portfolioId, call.Aborted);
        var source = await digests.LoadAsync(portfolio, call.Aborted);
        var digest = (await digests.PrepareAsync(source, cadence, call.Aborted)).For(digests.BaseUrl(call.Request) + "/" + Routes.Prefix + "/" + Routes.Unsubscribe + "?token=preview");
        return ApiResponse.Ok(new DigestPreview(digest.Content.Subject, digest.Html, digest.Text, Convert.ToBase64String(digest.Chart), cadence));
    }

    /// <summary>The link in the mail: a page with one button, so that link scanners fetching it unsubscribe nobody.</summary>
    public async Task<ApiResponse> UnsubscribePage(Call call)
    {
        var token = call.Request.Query["token"].ToString();
        var (portfolioId, subscriptionId) = await tokens.ReadAsync(token, call.Aborted);
        var subscription = await subscriptions.FindAsync(portfolioId, subscriptionId, call.Aborted);
        return Page(HtmlTemplates.Render<Templates.UnsubscribePage>(new Dictionary<string, object?>
        {
            ["Subscription"] = subscription,
            ["PortfolioId"] = portfolioId,
            ["Token"] = token,
        }));
    }

    /// <summary>One-click unsubscribe (RFC 8058: mail clients POST List-Unsubscribe=One-Click), and the page's button.</summary>
    public async Task<ApiResponse> UnsubscribeNow(Call call)
    {
        var (portfolioId, subscriptionId) = await tokens.ReadAsync(call.Request.Query["token"].ToString(), call.Aborted);
        if (await subscriptions.FindAsync(portfolioId, subscriptionId, call.Aborted) is { Active: true } subscription)
        {
            subscription.Active = false;
            subscription.UnsubscribedAt = time.GetUtcNow();
            await subscriptions.ReplaceAsync(subscription, call.Aborted);
        }
        return Page(HtmlTemplates.Render<Templates.UnsubscribePage>(new Dictionary<string, object?> { ["Done"] = true }));
    }

    private async Task<SubscriptionEntity> FindAsync(string portfolioId, string subscriptionId, CancellationToken ct) =>
        await subscriptions.FindAsync(portfolioId, subscriptionId, ct)
        ?? throw Problems.NotFound($"Subscription '{subscriptionId}' does not exist in portfolio '{portfolioId}'.");

    private static ApiResponse Page(string html) => new(200, Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8");
}
