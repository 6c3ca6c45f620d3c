using Microsoft.AspNetCore.Http;
using Microsoft.OData;

namespace Tracker.Feed;

/// <summary>
/// The ASP.NET Core response as an OData message (the service and metadata documents): headers are set (never
/// appended), the body streams to the response.
/// </summary>
public sealed class ODataResponse(HttpResponse response) : IODataResponseMessageAsync
{
    public IEnumerable<KeyValuePair<string, string>> Headers => response.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString()));

    public int StatusCode
    {
        get => response.StatusCode;
        set => response.StatusCode = value;
    }

    public string? GetHeader(string headerName) => response.Headers.TryGetValue(headerName, out var value) ? value.ToString() : null;

    public void SetHeader(string headerName, string headerValue) => response.Headers[headerName] = headerValue;

    public Stream GetStream() => response.Body;

    public Task<Stream> GetStreamAsync() => Task.FromResult(response.Body);
}
