using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Serialization.Json;
using Tracker.Client;
using Tracker.Client.Api.Keys;
using Tracker.Client.Api.Portfolios;
using Tracker.Client.Api.Portfolios.Item.Projects;
using Tracker.Client.Api.Portfolios.Item.Projects.Item;
using Tracker.Client.Api.Portfolios.Item.Projects.Item.Updates;
using Tracker.Client.Api.Portfolios.Item.Subscriptions;
using Tracker.Client.Models;
using Tracker.Testing;

namespace Tracker.ClientTests;

/// <summary>The README's session, written against the client Kiota generated from the OpenAPI document alone.</summary>
public sealed class ReadmeSessionTests : IAsyncLifetime
{
    private const string AdminKey = "client-session-admin-key-0123456789abcdef01";
    private Azurite _azurite = null!;
    private TestServer _server = null!;
    private HttpClient _http = null!;
    private TrackerClient _client = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _server = await TestServer.StartAsync(_azurite.ConnectionString, AdminKey);
        // Kiota's API key provider insists on https; on loopback the key goes as a default header, as a script would send it.
        _http = new HttpClient();
        _http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
        // JSON merge patches are JSON: the same writer serves them.
        SerializationWriterFactoryRegistry.DefaultInstance.ContentTypeAssociatedFactories.TryAdd("application/merge-patch+json", new JsonWriterAs("application/merge-patch+json"));
        // Errors are RFC 9457 ProblemDetails (application/problem+json), JSON too.
        ParseNodeFactoryRegistry.DefaultInstance.ContentTypeAssociatedFactories.TryAdd("application/problem+json", new JsonParserAs("application/problem+json"));
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: _http)
        {
            BaseUrl = _server.Address.ToString().TrimEnd('/'),
        };
        _client = new TrackerClient(adapter);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task TheReadmeSessionRunsThroughTheGeneratedClient()
    {
        var portfolio = await _client.Api.Portfolios.PostAsync(new PortfoliosPostRequestBody
        {
            Id = "p-emea",
            Name = "EMEA transformation",
            Owner = "pmo@example.com",
            TimeZone = "Europe/Amsterdam",
            Currency = "EUR",
        });
        Assert.Equal("p-emea", portfolio!.Id);

        var projects = _client.Api.Portfolios["p-emea"].Projects;
        foreach (var (id, category) in new[] { ("cloud-landing-zone", ProjectsPostRequestBody_category.Cloud), ("crm-consolidation", ProjectsPostRequestBody_category.Crm), ("ai-forecasting", ProjectsPostRequestBody_category.Ai) })
        {
            var created = await projects.PostAsync(new ProjectsPostRequestBody
            {
                Id = id,
                Name = id,
                Category = category,
                Status = ProjectsPostRequestBody_status.Active,
                Priority = ProjectsPostRequestBody_priority.High,
                StartDate = new Date(2026, 1, 5),
                TargetDate = new Date(2026, 12, 18),
                Budget = 250000,
                CustomerEngagement = true,
                CustomerKpi = "NPS",
            });
            Assert.Equal(id, created!.Id);
        }

        // Three updates, each with an Idempotency-Key; the third reported late; the first sent twice.
        var updates = projects["crm-consolidation"].Updates;
        async Task<ProgressUpdate?> Post(string key, UpdatesPostRequestBody body) => await updates.PostAsync(body, c => c.Headers.Add("Idempotency-Key", key));
        var first = await Post("crm-2026-02-02", new UpdatesPostRequestBody { ReportedAt = new DateTimeOffset(2026, 2, 2, 9, 0, 0, TimeSpan.Zero), PercentComplete = 20, Spend = 40000 });
        var replay = await Post("crm-2026-02-02", new UpdatesPostRequestBody { ReportedAt = new DateTimeOffset(2026, 2, 2, 9, 0, 0, TimeSpan.Zero), PercentComplete = 20, Spend = 40000 });
        Assert.Equal(first!.Id, replay!.Id);
        await Post("crm-2026-03-02", new UpdatesPostRequestBody
        {
            ReportedAt = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero),
            PercentComplete = 45,
            Spend = 120000,
            Budget = 260000,
            Priority = UpdatesPostRequestBody_priority.Critical,
            Rag = UpdatesPostRequestBody_rag.Amber,
            Note = "Data migration done",
        });
        await Post("crm-2026-02-16", new UpdatesPostRequestBody { ReportedAt = new DateTimeOffset(2026, 2, 16, 9, 0, 0, TimeSpan.Zero), PercentComplete = 30, Note = "Reported late" });

        var crm = await projects["crm-consolidation"].GetAsync();
        Assert.Equal(45, crm!.PercentComplete);
        Assert.Equal(Priority.Critical, crm.Priority);
        var history = await updates.GetAsync(c => { c.QueryParameters.From = "2026-02-01"; c.QueryParameters.To = "2026-02-28"; });
        Assert.Equal(2, history!.Items!.Count);

        // A merge patch with a stale If-Match is refused with a ProblemDetails (412); with none it applies.
        var stale = await Assert.ThrowsAsync<ProblemDetails>(() => projects["crm-consolidation"].PatchAsync(
            new WithProjectPatchRequestBody { TargetDate = new Date(2027, 3, 31) }, c => c.Headers.Add("If-Match", "W/\"datetime'2001-01-01T00%3A00%3A00Z'\"")));
        Assert.Equal(412, stale.Status);
        Assert.Equal("Precondition failed", stale.Title);
        var patched = await projects["crm-consolidation"].PatchAsync(new WithProjectPatchRequestBody { TargetDate = new Date(2027, 3, 31) });
        Assert.Equal(new Date(2027, 3, 31), patched!.TargetDate);

        // Lists page with continuationToken and filter by enum values.
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await projects.GetAsync(c => { c.QueryParameters.Limit = 2; c.QueryParameters.ContinuationToken = token; });
            seen.AddRange(page!.Items!.Select(p => p.Id!));
            token = page.ContinuationToken;
        }
        while (token is not null);
        Assert.Equal(3, seen.Distinct().Count());
        var crmOnly = await projects.GetAsync(c => c.QueryParameters.CategoryAsGetCategoryQueryParameterType = GetCategoryQueryParameterType.Crm);
        Assert.Equal("crm-consolidation", Assert.Single(crmOnly!.Items!).Id);

        // Metrics against the survey, a reader key, a subscription, and a validation ProblemDetails.
        var metrics = await _client.Api.Portfolios["p-emea"].Metrics.GetAsync();
        Assert.Equal(0.62, metrics!.Rates!.Priority!.Baseline);
        var key = await _client.Api.Keys.PostAsync(new KeysPostRequestBody { Name = "Power BI", Role = KeysPostRequestBody_role.Reader, Portfolios = ["p-emea"] });
        Assert.Contains(key!.Id!, key.Key, StringComparison.Ordinal); // the secret, shown once
        var subscription = await _client.Api.Portfolios["p-emea"].Subscriptions.PostAsync(new SubscriptionsPostRequestBody
        {
            Email = "owner@example.com",
            Cadence = SubscriptionsPostRequestBody_cadence.Weekly,
            Weekday = SubscriptionsPostRequestBody_weekday.Monday,
            SendTime = "08:00",
        });
        Assert.Equal(Cadence.Weekly, subscription!.Cadence);
        var invalid = await Assert.ThrowsAsync<ProblemDetails>(() => projects.PostAsync(new ProjectsPostRequestBody { Name = "", Category = ProjectsPostRequestBody_category.Ai }));
        Assert.Equal(400, invalid.Status);
    }
}

/// <summary>Kiota's JSON writer for another JSON media type (application/merge-patch+json).</summary>
internal sealed class JsonWriterAs(string contentType) : ISerializationWriterFactory
{
    public string ValidContentType => contentType;

    public ISerializationWriter GetSerializationWriter(string contentType) => new JsonSerializationWriter();
}

/// <summary>Kiota's JSON parser for another JSON media type (application/problem+json).</summary>
internal sealed class JsonParserAs(string contentType) : IParseNodeFactory
{
    private readonly JsonParseNodeFactory _json = new();

    public string ValidContentType => contentType;

    public Task<IParseNode> GetRootParseNodeAsync(string contentType, Stream content, CancellationToken cancellationToken = default) =>
        _json.GetRootParseNodeAsync("application/json", content, cancellationToken);
}
