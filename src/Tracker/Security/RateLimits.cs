using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tracker.Api;

namespace Tracker.Security;

/// <summary>The <c>RateLimits</c> section: token buckets per API key, and per client address for routes without a key.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests per second an API key may make on average.</summary>
    [Range(1, 1_000_000)]
    public int PerKeyPerSecond { get; set; } = 100;

    /// <summary>Requests an API key may make at once before the average applies.</summary>
    [Range(1, 1_000_000)]
    public int PerKeyBurst { get; set; } = 1000;

    /// <summary>Requests per second per client address to routes without a key (health, unsubscribe) and with a wrong key.</summary>
    [Range(1, 1_000_000)]
    public int PerAddressPerSecond { get; set; } = 20;

    [Range(1, 1_000_000)]
    public int PerAddressBurst { get; set; } = 200;
}

/// <summary>
/// Rate limits of both hosts, applied by the request pipeline: a request over its bucket is a 429 ProblemDetails with
/// Retry-After. Buckets live in each instance's memory, so with N instances a key may reach N times its limit.
/// </summary>
public sealed class RateLimits : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<string> _perKey;
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly bool _behindAzureFrontEnd;

    public RateLimits(IOptions<RateLimitOptions> options, IConfiguration configuration)
    {
        _options = options.Value;
        _perKey = Buckets(_options.PerKeyPerSecond, _options.PerKeyBurst);
        _perAddress = Buckets(_options.PerAddressPerSecond, _options.PerAddressBurst);
        // In Azure the client's address arrives as the first X-Forwarded-For entry; elsewhere that header is the
        // client's own word and is ignored.
        _behindAzureFrontEnd = !string.IsNullOrEmpty(configuration["WEBSITE_HOSTNAME"]);
    }

    /// <summary>Takes a permit for an API key, or throws the 429.</summary>
    public void ForKey(string keyId) => Take(_perKey, keyId, "this API key");

    /// <summary>Takes a permit for the request's client address, or throws the 429.</summary>
    public void ForAddress(HttpRequest request) => Take(_perAddress, ClientAddress(request), "this client address");

    public string ClientAddress(HttpRequest request)
    {
        if (_behindAzureFrontEnd && request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            return forwarded.Split(',')[0].Trim();
        }
        return request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    public void Dispose()
    {
        _perKey.Dispose();
        _perAddress.Dispose();
    }

    private void Take(PartitionedRateLimiter<string> limiter, string partition, string who)
    {
        if (!_options.Enabled)
        {
            return;
        }
        using var lease = limiter.AttemptAcquire(partition);
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
            throw new ApiProblemException(429, "Too many requests",
                $"The rate limit of {who} is reached; retry after {Math.Ceiling(retryAfter.TotalSeconds)} s.", retryAfter: retryAfter);
        }
    }

    private static PartitionedRateLimiter<string> Buckets(int perSecond, int burst) =>
        PartitionedRateLimiter.Create<string, string>(partition => RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}
