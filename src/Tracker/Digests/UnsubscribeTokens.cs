using System.Text;
using Tracker.Api;
using Tracker.Common;
using Tracker.Mail;
using Tracker.Schedules;
using Tracker.Storage;

namespace Tracker.Digests;

/// <summary>
/// Signed one-click unsubscribe tokens: the portfolio and subscription ids with an HMAC-SHA256 over them. The key is
/// random, made once per storage account (Settings table) so every instance signs alike; a token names exactly one
/// subscription and cannot be altered to name another.
/// </summary>
public sealed class UnsubscribeTokens(SigningKeys keys)
{
    public async Task<string> CreateAsync(string portfolioId, string subscriptionId, CancellationToken ct) =>
        SignedToken.Wrap(await keys.GetAsync(SigningKeys.Unsubscribe, ct), Encoding.UTF8.GetBytes(portfolioId + "\n" + subscriptionId));

    /// <summary>The (portfolio, subscription) a token names, or a 400 when it was not signed here.</summary>
    public async Task<(string PortfolioId, string SubscriptionId)> ReadAsync(string? token, CancellationToken ct)
    {
        var payload = SignedToken.Unwrap(await keys.GetAsync(SigningKeys.Unsubscribe, ct), token);
        var ids = payload is null ? [] : Encoding.UTF8.GetString(payload).Split('\n');
        if (ids.Length != 2)
        {
            throw Problems.BadRequest("This unsubscribe link is not valid.");
        }
        return (ids[0], ids[1]);
    }
}
