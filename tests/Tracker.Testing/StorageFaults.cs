using Azure.Core;
using Azure.Core.Pipeline;

namespace Tracker.Testing;

/// <summary>
/// A storage outage on cue, at the transport of the app's own table clients (registered as an HttpPipelinePolicy):
/// once <see cref="StartAfter"/> has seen a matching call succeed, every call that <see cref="Fails"/> accepts
/// throws a network failure — until <see cref="End"/>. Azurite itself keeps running, so what was written stays written.
/// </summary>
public sealed class StorageFaults : HttpPipelinePolicy
{
    private volatile bool _down;
    private Func<HttpMessage, bool>? _trigger;

    /// <summary>Which calls fail while the outage lasts (all by default).</summary>
    public Func<HttpMessage, bool> Fails { get; set; } = _ => true;

    public int Failed { get; private set; }

    /// <summary>Begins the outage right after the next successful call that <paramref name="trigger"/> matches.</summary>
    public void StartAfter(Func<HttpMessage, bool> trigger) => _trigger = trigger;

    public void End()
    {
        _down = false;
        _trigger = null;
    }

    public static bool Is(HttpMessage message, string method, string table) =>
        message.Request.Method.Method == method && message.Request.Uri.Path.Contains("/" + table, StringComparison.Ordinal);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (_down && Fails(message))
        {
            Failed++;
            throw new HttpRequestException("injected storage outage");
        }
        await ProcessNextAsync(message, pipeline);
        if (_trigger is { } trigger && message.Response.Status < 300 && trigger(message))
        {
            _trigger = null;
            _down = true;
        }
    }
}
