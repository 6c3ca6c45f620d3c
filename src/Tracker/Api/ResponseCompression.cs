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
        // Each coding's q-value: named explicitly, else that of "*", else not accepted.
        double? br = null, gzip = null, any = null;
        foreach (var value in StringWithQualityHeaderValue.ParseList(header))
        {
            var q = value.Quality ?? 1;
            if (value.Value.Equals("br", StringComparison.OrdinalIgnoreCase))
            {
                br = Math.Max(br ?? 0, q);
            }
            else if (value.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = Math.Max(gzip ?? 0, q);
            }
            else if (value.Value == "*")
            {
                any = q;
            }
        }
        var (brQ, gzipQ) = (br ?? any ?? 0, gzip ?? any ?? 0);
        return brQ <= 0 && gzipQ <= 0 ? null : brQ >= gzipQ ? "br" : "gzip";
    }

    /// <summary>A stream that encodes into <paramref name="body"/> at the fastest level (the feed is CPU-bound, the wire is not).</summary>
    public static Stream Wrap(Stream body, string encoding) => encoding == "br"
        ? new BrotliStream(body, CompressionLevel.Fastest, leaveOpen: true)
        : new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true);
}
