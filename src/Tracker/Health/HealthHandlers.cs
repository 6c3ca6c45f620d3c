using Microsoft.AspNetCore.Http;
using Tracker.Api;
using Tracker.Portfolios;
using Tracker.Storage;

namespace Tracker.Health;

public sealed record HealthReport(string Status, string Storage, DateTimeOffset CheckedAt);

/// <summary>Liveness and storage reachability, without a key: 200 when storage answers, 503 with Retry-After when not.</summary>
public sealed class HealthHandlers(PortfolioStore portfolios, StorageInitializer storage, TimeProvider time)
{
    public async Task<ApiResponse> Get(Call call)
    {
        if (!storage.IsReady)
        {
            throw Problems.StorageUnavailable();
        }
        // One round trip to storage; a row or none, only reachability counts.
        await portfolios.PingAsync(call.Aborted);
        return ApiResponse.Ok(new HealthReport("healthy", "reachable", time.GetUtcNow()));
    }
}
