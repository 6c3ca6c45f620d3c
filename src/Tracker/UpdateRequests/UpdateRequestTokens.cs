using System.Globalization;
using System.Text;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.UpdateRequests;

/// <summary>What a form link grants: updating one project of one portfolio, as its owner, until it expires.</summary>
public sealed record FormGrant(string PortfolioId, string ProjectId, string Owner, DateTimeOffset Expires);

/// <summary>Why a link does not open its page: it was altered or signed elsewhere, or it expired.</summary>
public enum LinkProblem
{
    Invalid,
    Expired,
}

/// <summary>
/// The signed links of update-request mails (HMAC-SHA256, key <see cref="SigningKeys.UpdateRequests"/>): a form link
/// bound to portfolio, project and owner that expires after <see cref="Lifetime"/>, and the owner's opt-out link for
/// the portfolio. Each kind is tagged in its payload, so one cannot stand in for the other.
/// </summary>
public sealed class UpdateRequestTokens(SigningKeys keys, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    public async Task<string> FormAsync(string portfolioId, string projectId, string owner, DateTimeOffset expires, CancellationToken ct) =>
        await SignAsync(["form", portfolioId, projectId, owner, expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)], ct);

    public async Task<string> OptOutAsync(string portfolioId, string owner, CancellationToken ct) => await SignAsync(["optout", portfolioId, owner], ct);

    /// <summary>The grant of a form link, or why there is none.</summary>
    public async Task<(FormGrant? Grant, LinkProblem? Problem)> ReadFormAsync(string? token, CancellationToken ct)
    {
        var parts = await ReadAsync(token, ct);
        if (parts is not ["form", var portfolioId, var projectId, var owner, var seconds] || !long.TryParse(seconds, CultureInfo.InvariantCulture, out var unix))
        {
            return (null, LinkProblem.Invalid);
        }
        var expires = DateTimeOffset.FromUnixTimeSeconds(unix);
        return expires <= time.GetUtcNow() ? (null, LinkProblem.Expired) : (new FormGrant(portfolioId, projectId, owner, expires), null);
    }

    /// <summary>The (portfolio, owner) of an opt-out link, or null.</summary>
    public async Task<(string PortfolioId, string Owner)?> ReadOptOutAsync(string? token, CancellationToken ct) =>
        await ReadAsync(token, ct) is ["optout", var portfolioId, var owner] ? (portfolioId, owner) : null;

    private async Task<string> SignAsync(string[] parts, CancellationToken ct) =>
        SignedToken.Wrap(await keys.GetAsync(SigningKeys.UpdateRequests, ct), Encoding.UTF8.GetBytes(string.Join('\n', parts)));

    private async Task<string[]?> ReadAsync(string? token, CancellationToken ct) =>
        SignedToken.Unwrap(await keys.GetAsync(SigningKeys.UpdateRequests, ct), token) is { } payload ? Encoding.UTF8.GetString(payload).Split('\n') : null;
}
