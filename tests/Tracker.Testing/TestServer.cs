using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tracker.Server;

namespace Tracker.Testing;

/// <summary>
/// The real Tracker.Server on Kestrel, on a free loopback port, against the given storage. Every log line it writes
/// is kept in <see cref="Logs"/> so tests can check what was (not) logged.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri address, LogSink logs)
    {
        _app = app;
        Address = address;
        Logs = logs;
    }

    public Uri Address { get; }

    public LogSink Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="settings">extra configuration; the job scheduler is off unless <c>Jobs:SchedulerEnabled</c> is set, and rate
    /// limits are lifted unless <c>RateLimits:*</c> are set.</param>
    /// <param name="services">extra registrations, e.g. a storage fault policy.</param>
    public static async Task<TestServer> StartAsync(string storageConnectionString, string adminKey, IDictionary<string, string?>? settings = null,
        LogLevel minimumLevel = LogLevel.Information, Action<IServiceCollection>? services = null)
    {
        settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        settings.TryAdd("Jobs:SchedulerEnabled", "false");
        // Every test request comes from 127.0.0.1 with a handful of keys: lift the limits (the rate-limit tests set theirs).
        settings.TryAdd("RateLimits:PerKeyBurst", "1000000");
        settings.TryAdd("RateLimits:PerKeyPerSecond", "1000000");
        settings.TryAdd("RateLimits:PerAddressBurst", "1000000");
        settings.TryAdd("RateLimits:PerAddressPerSecond", "1000000");
        var logs = new LogSink();
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            "--environment=Testing",
            $"--Storage:ConnectionString={storageConnectionString}",
            $"--Tracker:BootstrapAdminKey={adminKey}",
        };
        args.AddRange((settings ?? new Dictionary<string, string?>()).Select(s => $"--{s.Key}={s.Value}"));
        var app = TrackerServer.Build([.. args], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(minimumLevel);
            builder.Logging.AddProvider(logs);
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, new Uri(address), logs);
    }

    public HttpClient CreateClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Keeps every formatted log line, with its exception, in memory.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{structured}] {exception}");
        }
    }
}
