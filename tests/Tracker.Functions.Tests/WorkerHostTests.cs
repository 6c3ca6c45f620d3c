using System.Text.Json;
using Microsoft.ApplicationInsights;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracker.Api;
using Tracker.Testing;

namespace Tracker.Functions.Tests;

/// <summary>
/// The worker host exactly as Program.cs builds it (no Functions host process here, so it is built, not run): every
/// function class resolves, worker telemetry is wired, and the unhandled-failure answer is the server's.
/// </summary>
public sealed class WorkerHostTests : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public void TheWorkerHostBuildsAndResolvesEveryFunctionClass()
    {
        using var host = Build();
        Assert.NotNull(ActivatorUtilities.CreateInstance<ApiFunctions>(host.Services));
        Assert.NotNull(ActivatorUtilities.CreateInstance<JobFunctions>(host.Services));
        Assert.NotNull(ActivatorUtilities.CreateInstance<UnhandledFailureMiddleware>(host.Services));
        Assert.NotNull(host.Services.GetService<TelemetryClient>());
        var filters = host.Services.GetRequiredService<IOptions<LoggerFilterOptions>>().Value;
        Assert.DoesNotContain(filters.Rules, r => r.ProviderName == FunctionsHost.ApplicationInsightsProvider && r.LogLevel == LogLevel.Warning);
    }

    /// <summary>
    /// worker.config.json turns on worker indexing: the host asks the worker for its functions, and the worker answers
    /// from its source-generated metadata provider. It must say what functions.metadata says.
    /// </summary>
    [Fact]
    public async Task TheWorkersIndexedFunctionsAreThoseOfFunctionsMetadata()
    {
        using var host = Build();
        var provider = host.Services.GetRequiredService<Microsoft.Azure.Functions.Worker.Core.FunctionMetadata.IFunctionMetadataProvider>();
        var indexed = await provider.GetFunctionMetadataAsync(RepoFiles.FunctionsOutput);
        var fromWorker = indexed.Select(f => (f.Name!, Trigger(f.RawBindings!))).OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
        var fromFile = RepoFiles.FunctionsMetadata().Select(f => (f.Name, (f.TriggerType, f.Route, string.Join(",", f.Methods), f.Schedule)))
            .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(fromFile, fromWorker);
    }

    private static (string, string?, string, string?) Trigger(IEnumerable<string> bindings)
    {
        var trigger = FunctionEntry.From(JsonDocument.Parse("{\"name\":\"x\",\"bindings\":[" + string.Join(",", bindings) + "]}").RootElement);
        return (trigger.TriggerType, trigger.Route, string.Join(",", trigger.Methods), trigger.Schedule);
    }

    [Fact]
    public async Task AnUnexpectedFailureIsTheSameProblemDetails500AsTheServers()
    {
        var problem = ApiResponse.Problem(Problems.Unexpected(), "/api/health");
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await problem.ExecuteAsync(context);
        Assert.Equal(500, context.Response.StatusCode);
        Assert.StartsWith("application/problem+json", context.Response.ContentType);
        var body = JsonDocument.Parse(((MemoryStream)context.Response.Body).ToArray()).RootElement;
        Assert.Equal("Internal error", body.GetProperty("title").GetString());
        Assert.Equal("/api/health", body.GetProperty("instance").GetString());
        Assert.DoesNotContain("Exception", body.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The worker stops at start, naming the setting, before it would talk to the Functions host.</summary>
    [Fact]
    public async Task TheWorkerDoesNotStartWithAnUnresolvedKeyVaultReference()
    {
        using var host = Build("@Microsoft.KeyVault(SecretUri=https://kv-x.vault.azure.net/secrets/a)", new Dictionary<string, string?>
        {
            // What the Functions host passes a worker it starts; port 9 (discard) has no host behind it here.
            ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9",
            ["Functions:Worker:WorkerId"] = Guid.NewGuid().ToString(),
            ["Functions:Worker:RequestId"] = Guid.NewGuid().ToString(),
            ["Functions:Worker:GrpcMaxMessageLength"] = "2147483647",
        });
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Tracker:BootstrapAdminKey", failure.Message);
        Assert.Contains("unresolved Key Vault reference", failure.Message);
    }

    /// <summary>
    /// JobQueue (what the queue triggers listen on) and the app's queue account must be one account: the example
    /// settings' UseDevelopmentStorage=true beside another Azurite would leave every run pending, so the worker refuses.
    /// </summary>
    [Fact]
    public async Task TheWorkerDoesNotStartWhenJobQueueAndTheAppsQueueAccountDisagree()
    {
        using var host = Build(settings: WorkerSettings(new() { ["JobQueue"] = "UseDevelopmentStorage=true" }));
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("JobQueue (http://127.0.0.1:10001/devstoreaccount1)", failure.Message);
        Assert.Contains($"Storage:ConnectionString (http://127.0.0.1:{_azurite.QueuePort}/devstoreaccount1)", failure.Message);
        Assert.DoesNotContain("AccountKey", failure.Message);

        var identity = JobQueueOptionsOf(new()
        {
            ["Storage:ConnectionString"] = "",
            ["Storage:TableEndpoint"] = "https://a.table.core.windows.net",
            ["Storage:BlobEndpoint"] = "https://a.blob.core.windows.net",
            ["Storage:QueueEndpoint"] = "https://a.queue.core.windows.net",
            ["JobQueue:queueServiceUri"] = "https://b.queue.core.windows.net",
        });
        Assert.Contains("Storage:QueueEndpoint (https://a.queue.core.windows.net)", Assert.Single(identity.Failures!));
    }

    [Fact]
    public void TheSameQueueAccountInBothSettingsIsAccepted()
    {
        Assert.True(JobQueueOptionsOf(new() { ["JobQueue"] = _azurite.ConnectionString }).Succeeded);
        Assert.True(JobQueueOptionsOf(new()
        {
            ["Storage:ConnectionString"] = "",
            ["Storage:QueueEndpoint"] = "https://a.queue.core.windows.net/",
            ["JobQueue:queueServiceUri"] = "https://A.queue.core.windows.net",
        }).Succeeded);
        Assert.True(JobQueueOptionsOf(new() { ["Storage:ConnectionString"] = "", ["Storage:QueueEndpoint"] = "https://a.queue.core.windows.net", ["JobQueue:accountName"] = "a" }).Succeeded);
    }

    private ValidateOptionsResult JobQueueOptionsOf(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:ConnectionString"] = _azurite.ConnectionString })
            .AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection("Storage").Get<Storage.StorageOptions>() ?? new Storage.StorageOptions();
        return new JobQueueAccountValidation(configuration).Validate(null, options);
    }

    /// <summary>What the Functions host passes a worker it starts; port 9 (discard) has no host behind it here.</summary>
    private static Dictionary<string, string?> WorkerSettings(Dictionary<string, string?> settings)
    {
        settings["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9";
        settings["Functions:Worker:WorkerId"] = Guid.NewGuid().ToString();
        settings["Functions:Worker:RequestId"] = Guid.NewGuid().ToString();
        settings["Functions:Worker:GrpcMaxMessageLength"] = "2147483647";
        return settings;
    }

    private Microsoft.Extensions.Hosting.IHost Build(string adminKey = "functions-host-test-admin-key-0123456789abcdef",
        IDictionary<string, string?>? settings = null)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Configuration["Storage:ConnectionString"] = _azurite.ConnectionString;
        builder.Configuration["Tracker:BootstrapAdminKey"] = adminKey;
        builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";
        return builder.Configure().Build();
    }
}
