using Microsoft.AspNetCore.Http;
using Microsoft.OData;

namespace Tracker.Feed;

/// <summary>
/// The ASP.NET Core response as an OData message: headers are set (never appended), the body streams — to the response,
/// or to <paramref name="body"/>, a buffer the caller copies to the response itself.
/// </summary>
public sealed class ODataResponse(HttpResponse response, Stream? body = null) : IODataResponseMessageAsync
{
    public IEnumerable<KeyValuePair<string, string>> Headers => response.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString()));

    public int StatusCode
    {
        get => response.StatusCode;
        set => response.StatusCode = value;
    }

    public string? GetHeader(string headerName) => response.Headers.TryGetValue(headerName, out var value) ? value.ToString() : null;

    public void SetHeader(string headerName, string headerValue) => response.Headers[headerName] = headerValue;

    public Stream GetStream() => body ?? response.Body;

    public Task<Stream> GetStreamAsync() => Task.FromResult(body ?? response.Body);
}
