using Microsoft.AspNetCore.Http;

namespace Tracker.Api;

/// <summary>
/// The OpenAPI document for the Functions host. Tracker.Server generates it live from its endpoint metadata; this is
/// that document committed as an embedded resource (a test fails when the two differ, and rewrites it with
/// TRACKER_UPDATE_OPENAPI=1), so both hosts answer /api/openapi.json the same.
/// </summary>
public sealed class OpenApiHandlers
{
    public const string ResourceName = "Tracker.openapi.json";

    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OpenApiHandlers).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static byte[] Embedded => Document.Value;

    public Task<ApiResponse> Get(Call call) => Task.FromResult(new ApiResponse(200, Embedded, ApiResponse.Json));
}
