using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tracker.Common;

namespace Tracker.Api;

/// <summary>
/// The scheme, host and path base that links to this app start with (OData next links, mail links). In order:
/// <c>Tracker:PublicBaseUrl</c>; in Azure <c>https://$WEBSITE_HOSTNAME</c> (the app's default host name, never an
/// internal one); the request's own Host; for a request without a Host header (HTTP/1.0, or a bare invocation) the
/// address it arrived on; and with no request at all (a timer job) the local development address.
/// </summary>
public sealed class PublicBaseUrl(IOptions<TrackerOptions> options, IConfiguration configuration)
{
    public const string LocalDevelopment = "http://127.0.0.1:7071";

    public string For(HttpRequest? request)
    {
        if (options.Value.PublicBaseUrl is { } configured)
        {
            return configured.ToString().TrimEnd('/');
        }
        if (configuration["WEBSITE_HOSTNAME"] is { Length: > 0 } azureHost)
        {
            return "https://" + azureHost;
        }
        if (request is null)
        {
            return LocalDevelopment;
        }
        var scheme = string.IsNullOrEmpty(request.Scheme) ? "http" : request.Scheme;
        if (request.Host.HasValue)
        {
            return $"{scheme}://{request.Host}{request.PathBase}";
        }
        var connection = request.HttpContext.Connection;
        var authority = connection.LocalIpAddress is { } address
            ? new UriBuilder(scheme, address.ToString(), connection.LocalPort).Uri.GetLeftPart(UriPartial.Authority)
            : $"{scheme}://localhost";
        return authority + request.PathBase;
    }
}
