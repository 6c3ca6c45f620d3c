using Microsoft.AspNetCore.Http;
using Tracker.Api;

namespace Tracker.Security;

/// <summary>The request gate of <see cref="RequestPipeline"/>: API keys and rate limits.</summary>
public sealed class CallerGate(ApiKeyAuthenticator authenticator, RateLimits limits) : ICallerGate
{
    /// <summary>
    /// Who calls, within their rate limit: routes without a key and requests whose key fails count against the client
    /// address, the others against their key.
    /// </summary>
    public async Task<Caller> AdmitAsync(HttpRequest request, Access access, CancellationToken ct)
    {
        if (access == Access.Anonymous)
        {
            limits.ForAddress(request);
            return await authenticator.AuthenticateAsync(request, access, ct);
        }
        Caller caller;
        try
        {
            caller = await authenticator.AuthenticateAsync(request, access, ct);
        }
        catch (ApiProblemException e) when (e.Status == 401)
        {
            limits.ForAddress(request);
            throw;
        }
        limits.ForKey(caller.KeyId);
        return caller;
    }
}
