using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;
using Tracker.Security;
using Tracker.Storage;

namespace Tracker.Digests;

/// <summary>The digest preview as it would be sent now (the chart as base64 PNG beside the HTML that references it).</summary>
public sealed record DigestPreview(string Subject, string Html, string Text, string ChartPng, Cadence Cadence);

public sealed class DigestHandlers(
    RequestPipeline pipeline, PortfolioStore portfolios, SubscriptionStore subscriptions, DigestService digests, UnsubscribeTokens tokens,
    TimeProvider time)
{
    public Task<ApiResponse> Subscribe(HttpRequest request, string portfolioId) =>
        pipeline.RunAsync(request, Access.Writer(portfolioId), async call =>
        {
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
        });

    public Task<ApiResponse> List(HttpRequest request, string portfolioId) =>
        pipeline.RunAsync(request, Access.Writer(portfolioId), async call =>
        {
            await portfolios.GetAsync(portfolioId, call.Aborted);
            var fingerprint = Paging.Fingerprint("subscriptions", portfolioId);
            var paging = await call.PagingAsync(fingerprint);
            var (items, token) = await subscriptions.ListAsync(portfolioId, paging.Limit, paging.StorageToken, call.Aborted);
            return ApiResponse.Ok(new Page<Subscription>([.. items.Select(s => s.ToApi())], await call.NextTokenAsync(token, fingerprint)));
        });

    public Task<ApiResponse> Get(HttpRequest request, string portfolioId, string subscriptionId) =>
        pipeline.RunAsync(request, Access.Writer(portfolioId), async call =>
            ApiResponse.Ok((await FindAsync(portfolioId, subscriptionId, call.Aborted)).ToApi()));

    public Task<ApiResponse> Unsubscribe(HttpRequest request, string portfolioId, string subscriptionId) =>
        pipeline.RunAsync(request, Access.Writer(portfolioId), async call =>
        {
            await FindAsync(portfolioId, subscriptionId, call.Aborted);
            await subscriptions.DeleteAsync(portfolioId, subscriptionId, call.Aborted);
            return ApiResponse.NoContent();
        });

    public Task<ApiResponse> Preview(HttpRequest request, string portfolioId) =>
        pipeline.RunAsync(request, Access.Reader(portfolioId), async call =>
        {
            var cadence = Query.Enum<Cadence>(request, "cadence") ?? Cadence.Weekly;
            var portfolio = await portfolios.GetAsync(portfolioId, call.Aborted);
            var source = await digests.LoadAsync(portfolio, call.Aborted);
            var digest = digests.Prepare(source, cadence).For(digests.BaseUrl(request) + "/" + Routes.Prefix + "/" + Routes.Unsubscribe + "?token=preview");
            return ApiResponse.Ok(new DigestPreview(digest.Content.Subject, digest.Html, digest.Text, Convert.ToBase64String(digest.Chart), cadence));
        });

    /// <summary>The link in the mail: a page with one button, so that link scanners fetching it unsubscribe nobody.</summary>
    public Task<ApiResponse> UnsubscribePage(HttpRequest request) =>
        pipeline.RunAsync(request, Access.Anonymous, async call =>
        {
            var token = request.Query["token"].ToString();
            var (portfolioId, subscriptionId) = await tokens.ReadAsync(token, call.Aborted);
            var subscription = await subscriptions.FindAsync(portfolioId, subscriptionId, call.Aborted);
            var e = HtmlEncoder.Default;
            return Page(subscription is null || !subscription.Active
                ? "<p>This address no longer receives this digest.</p>"
                : $"<p>Stop sending the {e.Encode(subscription.Cadence)} digest of <b>{e.Encode(portfolioId)}</b> to {e.Encode(subscription.Email)}?</p>"
                  + $"<form method=\"post\" action=\"?token={e.Encode(Uri.EscapeDataString(token))}\"><button type=\"submit\">Unsubscribe</button></form>");
        });

    /// <summary>One-click unsubscribe (RFC 8058: mail clients POST List-Unsubscribe=One-Click), and the page's button.</summary>
    public Task<ApiResponse> UnsubscribeNow(HttpRequest request) =>
        pipeline.RunAsync(request, Access.Anonymous, async call =>
        {
            var (portfolioId, subscriptionId) = await tokens.ReadAsync(request.Query["token"].ToString(), call.Aborted);
            if (await subscriptions.FindAsync(portfolioId, subscriptionId, call.Aborted) is { Active: true } subscription)
            {
                subscription.Active = false;
                subscription.UnsubscribedAt = time.GetUtcNow();
                await subscriptions.ReplaceAsync(subscription, call.Aborted);
            }
            return Page("<p>Unsubscribed. No further digests will be sent to this address for this subscription.</p>");
        });

    private async Task<SubscriptionEntity> FindAsync(string portfolioId, string subscriptionId, CancellationToken ct) =>
        await subscriptions.FindAsync(portfolioId, subscriptionId, ct)
        ?? throw Problems.NotFound($"Subscription '{subscriptionId}' does not exist in portfolio '{portfolioId}'.");

    private static ApiResponse Page(string body) => new(200, Encoding.UTF8.GetBytes(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Transformation Tracker digests</title></head>"
        + "<body style=\"font-family:Segoe UI,Helvetica,Arial,sans-serif;max-width:520px;margin:48px auto;padding:0 16px;\"><h1 style=\"font-size:20px;\">Transformation Tracker digests</h1>"
        + body + "</body></html>"), "text/html; charset=utf-8");
}
