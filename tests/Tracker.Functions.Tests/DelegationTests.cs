using System.Reflection;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracker.Api;
using Tracker.Functions;
using Tracker.Testing;

namespace Tracker.Functions.Tests;

/// <summary>
/// Calls every HTTP function with a DefaultHttpContext request, against a real Azurite, and checks it answers as the
/// shared handler does — proof that each one-liner delegates to the right handler with the right route values.
/// </summary>
public sealed class DelegationTests : IAsyncLifetime
{
    private const string AdminKey = "functions-test-admin-key-0123456789";
    private Azurite _azurite = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _host = await StartHostAsync(new Dictionary<string, string?>());
    }

    private async Task<IHost> StartHostAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Tracker:BootstrapAdminKey"] = AdminKey,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddTracker();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task EveryHttpFunctionDelegatesToItsHandler()
    {
        var functions = ActivatorUtilities.CreateInstance<ApiFunctions>(_host.Services);
        Assert.Equal(201, (await InvokeAsync(functions, "CreatePortfolio", "POST", "/api/portfolios", new { }, """{"id":"p-fn","name":"Functions"}""")).Status);
        Assert.Equal(201, (await InvokeAsync(functions, "CreateProject", "POST", "/api/portfolios/p-fn/projects", new { portfolioId = "p-fn" },
            """{"id":"pr-fn","name":"Project","category":"ai","startDate":"2026-01-01"}""")).Status);

        var health = await InvokeAsync(functions, "Health", "GET", "/api/health", new { });
        Assert.Equal(200, health.Status);
        Assert.Contains("healthy", Encoding.UTF8.GetString(health.Body));
        Assert.Equal(200, (await InvokeAsync(functions, "GetPortfolio", "GET", "/api/portfolios/p-fn", new { portfolioId = "p-fn" })).Status);
        Assert.Equal(404, (await InvokeAsync(functions, "GetPortfolio", "GET", "/api/portfolios/p-none", new { portfolioId = "p-none" })).Status);
        var project = await InvokeAsync(functions, "GetProject", "GET", "/api/portfolios/p-fn/projects/pr-fn", new { portfolioId = "p-fn", projectId = "pr-fn" });
        Assert.Equal("pr-fn", JsonDocument.Parse(project.Body).RootElement.GetProperty("id").GetString());
        Assert.Equal(201, (await InvokeAsync(functions, "PostUpdate", "POST", "/api/portfolios/p-fn/projects/pr-fn/updates",
            new { portfolioId = "p-fn", projectId = "pr-fn" }, """{"percentComplete":10}""")).Status);

        // Every function answers from its handler: a success or a ProblemDetails, never a 500.
        foreach (var route in RouteTable.All)
        {
            foreach (var path in RouteSamples.All(route.Template))
            {
                var response = await InvokeAsync(functions, route.Name, route.Method, path, RouteValues(route.Template, path), route.Method == "POST" ? "{}" : null);
                Assert.True(response.Status is >= 200 and < 500, $"{route.Name} {path}: {response.Status}");
            }
        }
    }

    /// <summary>The same limits as the server's: routes without a key are limited per client address, with a 429 ProblemDetails.</summary>
    [Fact]
    public async Task ABurstOnARouteWithoutAKeyIsLimited()
    {
        using var limited = await StartHostAsync(new() { ["RateLimits:PerAddressBurst"] = "3", ["RateLimits:PerAddressPerSecond"] = "1" });
        var functions = ActivatorUtilities.CreateInstance<ApiFunctions>(limited.Services);
        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await InvokeAsync(functions, "UnsubscribePage", "GET", "/api/digests/unsubscribe?token=x", new Dictionary<string, string>(),
                services: limited.Services)).Status);
        }
        // A burst of 3, then one permit a second: the first three pass (400: the token is not a real one), then 429s —
        // at most one more passes if the calls straddle a replenishment on a slow machine.
        Assert.Equal([400, 400, 400], statuses.Take(3));
        Assert.True(statuses.Skip(3).Count(s => s == 429) >= 2, string.Join(", ", statuses));
        Assert.All(statuses, s => Assert.True(s is 400 or 429));
        await limited.StopAsync();
    }

    [Fact]
    public async Task TheCatchAllAnswersProblemDetails()
    {
        var functions = ActivatorUtilities.CreateInstance<ApiFunctions>(_host.Services);
        var missing = await InvokeAsync(functions, RouteTable.Fallback.Name, "GET", "/api/nope", new Dictionary<string, string>());
        Assert.Equal(404, missing.Status);
        Assert.StartsWith("application/problem+json", missing.ContentType);
        var wrongVerb = await InvokeAsync(functions, RouteTable.Fallback.Name, "PUT", "/api/portfolios", new Dictionary<string, string>());
        Assert.Equal(405, wrongVerb.Status);
        Assert.Contains("POST", Encoding.UTF8.GetString(wrongVerb.Body));
    }

    [Fact]
    public async Task TheFeedAnswersARequestWithoutAHostHeader()
    {
        var functions = ActivatorUtilities.CreateInstance<ApiFunctions>(_host.Services);
        foreach (var (name, path) in new[] { ("FeedServiceDocument", "/api/odata/"), ("FeedMetadata", "/api/odata/$metadata"), ("FeedEntitySet", "/api/odata/Baselines") })
        {
            var response = await InvokeAsync(functions, name, "GET", path, RouteValues(Routes.FeedEntitySet, path), withHost: false);
            Assert.Equal(200, response.Status);
            if (name != "FeedMetadata")
            {
                Assert.Contains("\"@odata.context\":\"http://localhost/api/odata/", Encoding.UTF8.GetString(response.Body));
            }
        }
    }

    [Fact]
    public async Task FeedCountIsAPlainNumberThatHonoursFilter()
    {
        var functions = ActivatorUtilities.CreateInstance<ApiFunctions>(_host.Services);
        var all = await InvokeAsync(functions, "FeedCount", "GET", "/api/odata/Baselines/$count", new Dictionary<string, string> { ["entitySet"] = "Baselines" });
        Assert.Equal(200, all.Status);
        Assert.StartsWith("text/plain", all.ContentType);
        var total = int.Parse(Encoding.UTF8.GetString(all.Body), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(total > 1);
        var one = await InvokeAsync(functions, "FeedCount", "GET", "/api/odata/Baselines/$count?$filter=Id%20eq%20'priority'", new Dictionary<string, string> { ["entitySet"] = "Baselines" });
        Assert.Equal("1", Encoding.UTF8.GetString(one.Body));
        var bad = await InvokeAsync(functions, "FeedCount", "GET", "/api/odata/Baselines/$count?$filter=Nope%20eq%201", new Dictionary<string, string> { ["entitySet"] = "Baselines" });
        Assert.Equal(400, bad.Status);
    }

    /// <summary>The route values the host would bind: each {parameter} of the template read off the sample path.</summary>
    /// <summary>
    /// Power BI's requests through the worker's functions (the replay of Tracker.Tests' PowerBiTests, by delegation):
    /// Basic credentials with a reader key, the connector's Accept lists and headers; every answer is OData 4.0 in the
    /// content type the connector expects, the next link works with the same credentials and carries no secret, and a
    /// 401 carries the Basic challenge.
    /// </summary>
    [Fact]
    public async Task PowerBisRequestsThroughTheFunctionsGetWhatItsConnectorExpects()
    {
        var functions = ActivatorUtilities.CreateInstance<ApiFunctions>(_host.Services);
        Assert.Equal(201, (await InvokeAsync(functions, "CreatePortfolio", "POST", "/api/portfolios", new { }, """{"id":"p-bi","name":"BI"}""")).Status);
        Assert.Equal(201, (await InvokeAsync(functions, "CreateProject", "POST", "/api/portfolios/p-bi/projects", new { portfolioId = "p-bi" },
            """{"id":"pr-bi","name":"Project","category":"ai","startDate":"2026-01-01"}""")).Status);
        Assert.Equal(201, (await InvokeAsync(functions, "PostUpdate", "POST", "/api/portfolios/p-bi/projects/pr-bi/updates",
            new { portfolioId = "p-bi", projectId = "pr-bi" }, """{"reportedAt":"2026-11-02T09:00:00Z","percentComplete":10}""")).Status);
        var created = await InvokeAsync(functions, "CreateKey", "POST", "/api/keys", new { }, """{"name":"Power BI","role":"reader"}""");
        var key = JsonDocument.Parse(created.Body).RootElement.GetProperty("key").GetString()!;
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("powerbi:" + key));
        // The connector's Accept before it knows the version, then for V4 (Microsoft Learn, Power Query query diagnostics).
        const string all = "application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9,application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7";
        Dictionary<string, string> PowerBi(string accept) => new() { ["Authorization"] = basic, ["Accept"] = accept, ["OData-MaxVersion"] = "4.0" };

        var root = await InvokeAsync(functions, "FeedServiceDocument", "GET", "/api/odata/", new { }, headers: PowerBi(all), acceptEncoding: "gzip, deflate");
        Assert.Equal((200, "4.0"), (root.Status, root.Headers["OData-Version"].ToString()));
        Assert.StartsWith("application/json;odata.metadata=minimal", root.ContentType);
        var metadata = await InvokeAsync(functions, "FeedMetadata", "GET", "/api/odata/$metadata", new { }, headers: PowerBi(all));
        Assert.Equal(200, metadata.Status);
        Assert.StartsWith("application/xml", metadata.ContentType);
        Assert.Contains("Org.OData.Capabilities.V1", Encoding.UTF8.GetString(metadata.Body));

        var set = await InvokeAsync(functions, "FeedEntitySet", "GET", "/api/odata/Updates?$filter=ReportedDateSK ge 20261101 and ReportedDateSK lt 20261201&$select=Id,ReportedDateSK&$top=1",
            new { entitySet = "Updates" }, headers: PowerBi("application/json;odata.metadata=minimal"));
        Assert.Equal((200, "4.0"), (set.Status, set.Headers["OData-Version"].ToString()));
        var page = JsonDocument.Parse(set.Body).RootElement;
        Assert.Equal(20261102, page.GetProperty("value")[0].GetProperty("ReportedDateSK").GetInt32());
        var count = await InvokeAsync(functions, "FeedCount", "GET", "/api/odata/Updates/$count?$filter=ReportedDateSK ge 20261101 and ReportedDateSK lt 20261201",
            new { entitySet = "Updates" }, headers: PowerBi("text/plain"));
        Assert.Equal((200, "1"), (count.Status, Encoding.UTF8.GetString(count.Body)));

        var refused = await InvokeAsync(functions, "FeedServiceDocument", "GET", "/api/odata/", new { },
            headers: new Dictionary<string, string> { ["Authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("powerbi:")) });
        Assert.Equal(401, refused.Status);
        Assert.Equal("Basic realm=\"Transformation Tracker\", charset=\"UTF-8\"", refused.Headers.WWWAuthenticate.ToString());
    }

    /// <summary>
    /// The auth matrix through the worker's functions, with Entra ID configured against a real OpenID Connect provider
    /// on loopback: no credentials is 401, a token whose app role is below the route's is 403, a token of the route's
    /// role gets past the gate — the same answers the server gives (Tracker.Tests' AuthMatrixTests).
    /// </summary>
    [Fact]
    public async Task EveryFunctionAdmitsTokenCallersByTheirAppRole()
    {
        await using var entra = await MockEntra.StartAsync();
        var host = await StartHostAsync(new Dictionary<string, string?>(entra.Settings));
        try
        {
            var functions = ActivatorUtilities.CreateInstance<ApiFunctions>(host.Services);
            var tokens = new Dictionary<Role, string>();
            foreach (var role in new[] { Role.Reader, Role.Writer, Role.Admin })
            {
                tokens[role] = await entra.TokenAsync([$"Tracker.{role}"]);
            }
            var failures = new List<string>();
            foreach (var route in RouteTable.All.Where(r => r.Role is not null))
            {
                var path = RouteSamples.All(route.Template)[0];
                var body = route.Method == "POST" ? "{}" : null;
                var anonymous = await InvokeAsync(functions, route.Name, route.Method, path, RouteValues(route.Template, path), body, services: host.Services,
                    headers: new Dictionary<string, string>());
                if (anonymous.Status != 401 || !anonymous.Headers.WWWAuthenticate.ToString().Contains("Bearer authorization_uri=", StringComparison.Ordinal))
                {
                    failures.Add($"{route.Name} without credentials: {anonymous.Status} {anonymous.Headers.WWWAuthenticate}");
                }
                foreach (var (role, token) in tokens)
                {
                    var answer = await InvokeAsync(functions, route.Name, route.Method, path, RouteValues(route.Template, path), body, services: host.Services,
                        headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + token });
                    var refused = role < route.Role;
                    if (refused ? answer.Status != 403 : answer.Status is 401 or 403)
                    {
                        failures.Add($"{route.Name} as {role} token: {answer.Status}");
                    }
                }
            }
            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    /// <summary>Paths no route takes, however encoded, are the catch-all's ProblemDetails 404 in the worker too.</summary>
    [Theory]
    [InlineData("/api/odata/Updates%2F..%2FPortfolios")]
    [InlineData("/api/odata/Updates.json")]
    public async Task AnEncodedOrDottedUnmatchedPathIsAProblemDetails404(string path)
    {
        var functions = ActivatorUtilities.CreateInstance<ApiFunctions>(_host.Services);
        var answer = await InvokeAsync(functions, RouteTable.Fallback.Name, "GET", path, new Dictionary<string, string>());
        Assert.Equal(404, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType);
    }

    /// <summary>
    /// The Functions host runs no response-compression middleware: the response compresses itself. A body over 1 KiB is
    /// gzip or br as Accept-Encoding asks (Power BI sends gzip, deflate), and decodes to the same bytes.
    /// </summary>
    [Fact]
    public async Task AFunctionsResponseIsCompressedAsTheClientAccepts()
    {
        var functions = ActivatorUtilities.CreateInstance<ApiFunctions>(_host.Services);
        var plain = await InvokeAsync(functions, "OpenApi", "GET", "/api/openapi.json", new { });
        Assert.Equal("", plain.ContentEncoding);

        var gzip = await InvokeAsync(functions, "OpenApi", "GET", "/api/openapi.json", new { }, acceptEncoding: "gzip, deflate");
        Assert.Equal("gzip", gzip.ContentEncoding);
        Assert.True(gzip.Body.Length * 5 < plain.Body.Length, $"{gzip.Body.Length} of {plain.Body.Length} bytes");
        using (var decoded = new System.IO.Compression.GZipStream(new MemoryStream(gzip.Body), System.IO.Compression.CompressionMode.Decompress))
        {
            using var copy = new MemoryStream();
            await decoded.CopyToAsync(copy);
            Assert.Equal(plain.Body, copy.ToArray());
        }

        var br = await InvokeAsync(functions, "OpenApi", "GET", "/api/openapi.json", new { }, acceptEncoding: "gzip;q=0.5, br");
        Assert.Equal("br", br.ContentEncoding);
        using (var decoded = new System.IO.Compression.BrotliStream(new MemoryStream(br.Body), System.IO.Compression.CompressionMode.Decompress))
        {
            using var copy = new MemoryStream();
            await decoded.CopyToAsync(copy);
            Assert.Equal(plain.Body, copy.ToArray());
        }
    }

    /// <summary>
    /// The job functions as the Functions host calls them: the timer only enqueues (one message per portfolio on the
    /// job's queue, base64 as the queue trigger reads it); the queue function, handed each message as the host receives
    /// it, processes that portfolio; a message that is not a work item throws, so the host retries and then poisons it.
    /// </summary>
    [Fact]
    public async Task TheTimerEnqueuesAndTheQueueFunctionProcessesEachPortfolio()
    {
        var api = ActivatorUtilities.CreateInstance<ApiFunctions>(_host.Services);
        foreach (var id in new[] { "p-one", "p-two" })
        {
            Assert.Equal(201, (await InvokeAsync(api, "CreatePortfolio", "POST", "/api/portfolios", new { }, $$"""{"id":"{{id}}","name":"{{id}}"}""")).Status);
        }
        var jobs = ActivatorUtilities.CreateInstance<JobFunctions>(_host.Services);

        await jobs.ComputeMetrics(new TimerInfo(), default);

        var queue = new QueueClient(_azurite.ConnectionString, Metrics.ComputeMetricsJob.QueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        QueueMessage[] messages = await queue.ReceiveMessagesAsync(32);
        Assert.Equal(["p-one", "p-two"], messages.Select(m => Jobs.PortfolioWork.Parse(m.Body)!.PortfolioId).Order());
        var runId = Jobs.PortfolioWork.Parse(messages[0].Body)!.RunId;
        var run = (await _host.Services.GetRequiredService<Jobs.JobRunner>().FindAsync("ComputeMetrics", runId, default))!;
        Assert.Equal((Jobs.JobOutcome.Running, "timer", 2), (run.Outcome, run.Trigger, run.Portfolios.Pending));

        foreach (var message in messages)
        {
            await jobs.ComputeMetricsWork(message, default);
        }
        run = (await _host.Services.GetRequiredService<Jobs.JobRunner>().FindAsync("ComputeMetrics", runId, default))!;
        Assert.Equal((Jobs.JobOutcome.Succeeded, 2), (run.Outcome, run.Portfolios.Completed));
        var snapshots = _host.Services.GetRequiredService<Metrics.Snapshots>();
        foreach (var id in new[] { "p-one", "p-two" })
        {
            Assert.NotNull(await snapshots.LatestAsync(id, DateOnly.MinValue, default));
        }

        await queue.SendMessageAsync("not a work item");
        var bad = Assert.Single((await queue.ReceiveMessagesAsync(32)).Value);
        await Assert.ThrowsAsync<FormatException>(() => jobs.ComputeMetricsWork(bad, default));
    }

    private static Dictionary<string, string> RouteValues(string template, string path)
    {
        var values = new Dictionary<string, string>();
        var names = template.Split('/');
        var parts = path[("/" + Routes.Prefix + "/").Length..].Split('?')[0].Split('/');
        for (var i = 0; i < Math.Min(names.Length, parts.Length); i++)
        {
            var match = System.Text.RegularExpressions.Regex.Match(names[i], @"^\{([A-Za-z]+)(:[a-z]+)?\}(.*)$");
            if (match.Success)
            {
                values[match.Groups[1].Value] = parts[i][..^match.Groups[3].Value.Length];
            }
        }
        return values;
    }

    /// <summary>What the caller receives once the worker has executed the function's result.</summary>
    private sealed record Received(int Status, byte[] Body, string? ContentType, string ContentEncoding = "")
    {
        public IHeaderDictionary Headers { get; init; } = new HeaderDictionary();
    }

    private async Task<Received> InvokeAsync(ApiFunctions functions, string name, string method, string path, object routeValues, string? body = null,
        bool withHost = true, IServiceProvider? services = null, string? acceptEncoding = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var context = new DefaultHttpContext { RequestServices = services ?? _host.Services };
        var request = context.Request;
        request.Method = method;
        var question = path.IndexOf('?', StringComparison.Ordinal);
        request.Path = question < 0 ? path : path[..question];
        request.QueryString = question < 0 ? QueryString.Empty : new QueryString(path[question..]);
        if (withHost)
        {
            request.Scheme = "https";
            request.Host = new HostString("tracker.example");
        }
        if (headers is null)
        {
            request.Headers["x-api-key"] = AdminKey;
        }
        foreach (var (header, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers[header] = value;
        }
        if (acceptEncoding is not null)
        {
            request.Headers.AcceptEncoding = acceptEncoding;
        }
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            request.ContentType = "application/json";
            request.ContentLength = bytes.Length;
            request.Body = new MemoryStream(bytes);
        }
        context.Response.Body = new MemoryStream();
        var function = typeof(ApiFunctions).GetMethods().Single(m => m.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>()?.Name == name);
        var values = routeValues as IReadOnlyDictionary<string, string> is { } dictionary
            ? dictionary.ToDictionary(p => p.Key, p => (object?)p.Value)
            : routeValues.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(routeValues));
        var arguments = function.GetParameters().Select(p => p.ParameterType == typeof(HttpRequest) ? request : values[p.Name!]).ToArray();
        var result = await (Task<ApiResponse>)function.Invoke(functions, arguments)!;
        var received = new MemoryStream();
        context.Response.Body = received;
        await result.ExecuteAsync(context);
        return new Received(context.Response.StatusCode, received.ToArray(), context.Response.ContentType, context.Response.Headers.ContentEncoding.ToString())
        {
            Headers = context.Response.Headers,
        };
    }
}

