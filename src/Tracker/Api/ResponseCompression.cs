using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Tracker.Api;

/// <summary>
/// Content-Encoding of a response, chosen from the request's Accept-Encoding: br or gzip, whichever has the higher
/// q-value (br on a tie), none when neither is accepted. Power BI asks for gzip. The Functions host has no ASP.NET Core
/// response-compression middleware in its path, so <see cref="ApiResponse"/> compresses itself, in both hosts alike.
/// </summary>
public static class ResponseCompression
{
    /// <summary>Smaller bodies go as they are: compressing them saves less than it costs.</summary>
    public const int MinBytes = 1024;

    public static string? Choose(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(HeaderNames.AcceptEncoding, out var header) || header.Count == 0)
        {
            return null;
        }
        double br = 0, gzip = 0, any = 0;
        var anySeen = false;
        foreach (var value in StringWithQualityHeaderValue.ParseList(header))
        {
            var q = value.Quality ?? 1;
            if (value.Value.Equals("br", StringComparison.OrdinalIgnoreCase))
            {
                br = Math.Max(br, q);
            }
            else if (value.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = Math.Max(gzip, q);
            }
            else if (value.Value == "*")
            {
                (any, anySeen) = (q, true);
            }
        }
        if (anySeen)
        {
            br = br == 0 && !Named(header, "br") ? any : br;
            gzip = gzip == 0 && !Named(header, "gzip") ? any : gzip;
        }
        return br <= 0 && gzip <= 0 ? null : br >= gzip ? "br" : "gzip";
    }

    /// <summary>A stream that encodes into <paramref name="body"/> at the fastest level (the feed is CPU-bound, the wire is not).</summary>
    public static Stream Wrap(Stream body, string encoding) => encoding == "br"
        ? new BrotliStream(body, CompressionLevel.Fastest, leaveOpen: true)
        : new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true);

    private static bool Named(Microsoft.Extensions.Primitives.StringValues header, string coding) =>
        header.Any(h => h is not null && h.Contains(coding, StringComparison.OrdinalIgnoreCase));
}
