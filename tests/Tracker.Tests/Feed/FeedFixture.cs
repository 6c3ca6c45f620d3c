using System.Net.Http.Json;
using System.Xml;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Testing;

namespace Tracker.Tests.Feed;

/// <summary>
/// A real Azurite and server holding two portfolios, 30 projects, 12,000 updates (so Updates spans three pages)
/// and 40 days of snapshots; plus a client that reads the feed the strict way, with Microsoft's OData reader.
/// </summary>
public sealed class FeedFixture : IAsyncLifetime
{
    public const string AdminKey = "feed-admin-key-0123456789abcdef0123456789";
    public const int UpdatesPerProject = 400;
    public static readonly DateOnly FirstDay = new(2026, 1, 10);
    public const int Days = 40;

    public Azurite Azurite { get; private set; } = null!;

    public TestServer Server { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public TableServiceClient Tables { get; private set; } = null!;

    /// <summary>The server's own table calls.</summary>
    public StorageCalls StorageCalls { get; } = new();

    /// <summary>Storage failures on cue, for the server's own table calls (none unless a test starts them).</summary>
    public StorageFaults StorageFaults { get; } = new();

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        Server = await TestServer.StartAsync(Azurite.ConnectionString, AdminKey, services: s => s.AddSingleton<Azure.Core.Pipeline.HttpPipelinePolicy>(StorageCalls)
            .AddSingleton<Azure.Core.Pipeline.HttpPipelinePolicy>(StorageFaults));
        Admin = Server.CreateClient(AdminKey);
        Tables = new TableServiceClient(Azurite.ConnectionString);
        var start = new DateTimeOffset(2025, 12, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (portfolio, zone, projects) in new[] { ("p-emea", "Europe/Amsterdam", 20), ("p-apac", "Asia/Tokyo", 10) })
        {
            (await Admin.PostAsJsonAsync("/api/portfolios", new { id = portfolio, name = portfolio.ToUpperInvariant(), timeZone = zone, owner = portfolio == "p-emea" ? "pmo@example.com" : null })).EnsureSuccessStatusCode();
            for (var i = 0; i < projects; i++)
            {
                var id = $"proj-{i:00}";
                (await Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects", new
                {
                    id,
                    name = $"Project {i}",
                    category = new[] { "cloud", "crm", "ai" }[i % 3],
                    priority = new[] { "low", "medium", "high", "critical" }[i % 4],
                    status = i % 5 == 4 ? "onHold" : "active",
                    startDate = "2025-11-01",
                    targetDate = i % 2 == 0 ? "2026-09-30" : null,
                    budget = 10_000 * (i + 1),
                    customerEngagement = i % 2 == 0,
                    customerKpi = i % 3 == 0 ? "NPS" : null,
                })).EnsureSuccessStatusCode();
                var updates = Enumerable.Range(0, UpdatesPerProject).Select(u =>
                {
                    var reported = start.AddHours(u * 7 + i);
                    var key = $"u{i:00}{u:0000}{portfolio[2..]}";
                    return new TableTransactionAction(TableTransactionActionType.Add, new UpdateEntity
                    {
                        PartitionKey = UpdateStore.Partition(portfolio, id),
                        RowKey = UpdateStore.RowKey(reported, reported, key),
                        Id = key,
                        ProjectId = id,
                        ReportedAt = reported,
                        RecordedAt = reported,
                        PercentComplete = u % 100,
                        Spend = u * 100.5,
                        Budget = u % 50 == 0 ? 10_000 * (i + 1) + u : null,
                        Note = u % 10 == 0 ? $"note {u} it's done" : null,
                        Priority = u % 97 == 0 ? "high" : null,
                        Rag = u % 13 == 0 ? "amber" : null,
                    });
                }).ToList();
                var table = Tables.GetTableClient(UpdateStore.Name);
                for (var b = 0; b < updates.Count; b += 100)
                {
                    await table.SubmitTransactionAsync(updates.Skip(b).Take(100));
                }
            }
            // Daily snapshots as the job would write them.
            var services = Server.Services;
            var loaded = await services.GetRequiredService<HistoryLoader>().LoadAsync(portfolio, default);
            var entity = await services.GetRequiredService<PortfolioStore>().GetAsync(portfolio, default);
            for (var d = 0; d < Days; d++)
            {
                var result = services.GetRequiredService<MetricsEngine>().Compute(portfolio, loaded, FirstDay.AddDays(d), entity.Zone);
                await services.GetRequiredService<Snapshots>().WriteAsync(result, start, default);
            }
        }
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public async Task<long> CountStoredAsync(string table)
    {
        var n = 0L;
        await foreach (var _ in Tables.GetTableClient(table).QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            n++;
        }
        return n;
    }

    /// <summary>The feed's model, read back from its CSDL XML with Microsoft's CSDL reader.</summary>
    public async Task<IEdmModel> MetadataAsync(HttpClient? client = null)
    {
        var response = await (client ?? Admin).GetAsync("/api/odata/$metadata");
        response.EnsureSuccessStatusCode();
        using var xml = XmlReader.Create(await response.Content.ReadAsStreamAsync());
        Assert.True(CsdlReader.TryParse(xml, out var model, out var errors), string.Join("; ", errors ?? []));
        return model;
    }

    /// <summary>
    /// Reads an entity set to the end with ODataMessageReader against the model (full validation: a property the
    /// metadata does not declare, or a value of the wrong type, fails), following every @odata.nextLink.
    /// </summary>
    public async Task<FeedResult> ReadAllAsync(IEdmModel model, string setAndQuery, HttpClient? client = null)
    {
        var setName = setAndQuery.Split('?')[0];
        var entitySet = model.EntityContainer.FindEntitySet(setName);
        var rows = new List<Dictionary<string, object?>>();
        var url = new Uri(Server.Address, "/api/odata/" + setAndQuery);
        var pages = 0;
        long? count = null;
        while (url is not null)
        {
            using var response = await (client ?? Admin).GetAsync(url);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
            Assert.Equal(["4.0"], response.Headers.GetValues("OData-Version"));
            Assert.Contains("odata.metadata=minimal", response.Content.Headers.ContentType!.ToString());
            Assert.Contains("\"@odata.context\"", System.Text.Encoding.UTF8.GetString(body));
            var message = new ClientMessage(response, body);
            var settings = new ODataMessageReaderSettings { BaseUri = new Uri(Server.Address, "/api/odata/"), Validations = ValidationKinds.All };
            settings.MessageQuotas.MaxReceivedMessageSize = long.MaxValue;
            using var reader = new ODataMessageReader((IODataResponseMessageAsync)message, settings, model);
            var setReader = await reader.CreateODataResourceSetReaderAsync(entitySet, entitySet.EntityType);
            Uri? next = null;
            while (await setReader.ReadAsync())
            {
                if (setReader.State == ODataReaderState.ResourceEnd && setReader.Item is ODataResource resource)
                {
                    rows.Add(resource.Properties.OfType<ODataProperty>().ToDictionary(p => p.Name, p => (object?)p.Value));
                }
                if (setReader.State == ODataReaderState.ResourceSetEnd && setReader.Item is ODataResourceSet set)
                {
                    next = set.NextPageLink;
                    count ??= set.Count;
                }
            }
            pages++;
            url = next;
        }
        return new FeedResult(rows, pages, count);
    }

    private sealed class ClientMessage(HttpResponseMessage response, byte[] body) : IODataResponseMessageAsync
    {
        public IEnumerable<KeyValuePair<string, string>> Headers =>
            response.Headers.Concat(response.Content.Headers).Select(h => KeyValuePair.Create(h.Key, string.Join(",", h.Value)));

        public int StatusCode { get => (int)response.StatusCode; set => throw new NotSupportedException(); }

        public string? GetHeader(string headerName) => Headers.FirstOrDefault(h => h.Key.Equals(headerName, StringComparison.OrdinalIgnoreCase)).Value;

        public void SetHeader(string headerName, string headerValue) => throw new NotSupportedException();

        public Stream GetStream() => new MemoryStream(body);

        public Task<Stream> GetStreamAsync() => Task.FromResult<Stream>(new MemoryStream(body));
    }
}

public sealed record FeedResult(List<Dictionary<string, object?>> Rows, int Pages, long? Count);

[CollectionDefinition("feed")]
public sealed class FeedCollection : ICollectionFixture<FeedFixture>
{
}
