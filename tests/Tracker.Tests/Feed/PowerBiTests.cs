using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Tracker.Metrics;
using Tracker.Portfolios;

namespace Tracker.Tests.Feed;

/// <summary>
/// The feed as Power BI uses it in the service: Basic credentials (the key as the password), the requests of its OData
/// connector replayed header for header, and incremental refresh by an integer yyyymmdd key whose partitions are
/// storage key ranges.
/// </summary>
[Collection("feed")]
public sealed class PowerBiTests(FeedFixture feed)
{
    /// <summary>
    /// What Power Query proposes before it knows the service's version: Microsoft Learn, Power Query "Query
    /// diagnostics" (a data source query of OData.Feed shows this list), and the Mashup engine's
    /// ODataRequestContentTypes.ProposedResultContentTypesAll.
    /// </summary>
    private const string ProposedAll =
        "application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9,application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7";

    /// <summary>What it proposes once the service said OData-Version 4.0 (ProposedResultContentTypesV4, same source).</summary>
    private const string ProposedV4 = "application/json;odata.metadata=minimal";

    /// <summary>
    /// The whole path of a scheduled refresh with incremental partitions, as the connector sends it: the service
    /// document, $metadata, each set with $select of a few columns, the integer-key filters of two partitions,
    /// $count, and every @odata.nextLink followed with the same Basic credentials.
    /// </summary>
    [Fact]
    public async Task PowerBisRequestsWithBasicCredentialsGetWhatItsODataConnectorExpects()
    {
        var key = await ReaderKeyAsync();
        using var client = PowerBiClient("powerbi", key);

        // 1. The service document (OData.Feed on the root URL).
        var root = await SendAsync(client, "api/odata/", ProposedAll);
        AssertOData(root, "application/json");
        var sets = JsonDocument.Parse(await root.Content.ReadAsStringAsync()).RootElement.GetProperty("value").EnumerateArray()
            .Select(s => s.GetProperty("url").GetString()!).ToList();
        Assert.Equal(["Portfolios", "Projects", "Updates", "ProjectSnapshots", "PortfolioSnapshots", "Baselines"], sets);

        // Power Query sends Accept-Encoding: gzip, deflate; the answers come compressed.
        using (var raw = new HttpClient { BaseAddress = feed.Server.Address })
        {
            raw.DefaultRequestHeaders.Authorization = client.DefaultRequestHeaders.Authorization;
            raw.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip, deflate");
            var compressed = await raw.GetAsync("api/odata/$metadata");
            Assert.Equal(["gzip"], compressed.Content.Headers.ContentEncoding);
        }

        // 2. $metadata: Power Query asks with the same list and reads XML.
        var metadata = await SendAsync(client, "api/odata/$metadata", ProposedAll);
        AssertOData(metadata, "application/xml");
        using var xml = XmlReader.Create(await metadata.Content.ReadAsStreamAsync());
        Assert.True(CsdlReader.TryParse(xml, out var model, out var errors), string.Join("; ", errors ?? []));

        // 3. Each set with $select of a few columns (Table.SelectColumns folds to $select), every page followed.
        var select = new Dictionary<string, string>
        {
            ["Portfolios"] = "Id,Name,TimeZone",
            ["Projects"] = "ProjectKey,Name,Budget,Status",
            ["Updates"] = "Id,ProjectKey,ReportedAt,ReportedDateSK,LastWrittenAt",
            ["ProjectSnapshots"] = "ProjectKey,DateSK,Rag,LastWrittenAt",
            ["PortfolioSnapshots"] = "PortfolioId,DateSK,PriorityValue,LastWrittenAt",
            ["Baselines"] = "Id,Value",
        };
        foreach (var set in sets)
        {
            var rows = await ReadAllAsync(client, $"api/odata/{set}?$select={select[set]}", key);
            Assert.NotEmpty(rows);
            Assert.All(rows, r => Assert.Equal(select[set].Split(',').Order(), r.Keys.Where(k => !k.StartsWith('@')).Order()));
        }

        // 4. Two adjacent incremental-refresh partitions (RangeStart/RangeEnd converted to yyyymmdd), and $count.
        var all = await ReadAllAsync(client, "api/odata/Updates?$select=Id,ReportedDateSK", key);
        var days = all.Select(r => r["ReportedDateSK"].GetInt32()).ToList();
        var middle = Middle(days.Min(), days.Max());
        var first = await ReadAllAsync(client, $"api/odata/Updates?$filter=ReportedDateSK ge {days.Min()} and ReportedDateSK lt {middle}&$select=Id,ReportedDateSK", key);
        var second = await ReadAllAsync(client, $"api/odata/Updates?$filter=ReportedDateSK ge {middle} and ReportedDateSK lt {NextDay(days.Max())}&$select=Id,ReportedDateSK", key);
        Assert.Equal(all.Count, first.Count + second.Count);
        var count = await SendAsync(client, $"api/odata/Updates/$count?$filter=ReportedDateSK ge {days.Min()} and ReportedDateSK lt {middle}", ProposedV4);
        Assert.Equal(HttpStatusCode.OK, count.StatusCode);
        Assert.Equal("text/plain", count.Content.Headers.ContentType!.MediaType);
        Assert.Equal(first.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), await count.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// For each growing set, two adjacent partitions of the integer day key return disjoint rows whose union is the
    /// whole set, and every storage query behind them is a key range (never a scan of the table).
    /// </summary>
    [Theory]
    [InlineData("Updates", "ReportedDateSK", "Id", UpdateStore.Name, "RowKey ge ", "RowKey lt ")]
    [InlineData("ProjectSnapshots", "DateSK", "ProjectKey", ProjectSnapshotStore.Name, "PartitionKey ge ", "PartitionKey le ")]
    [InlineData("PortfolioSnapshots", "DateSK", "PortfolioId", PortfolioSnapshotStore.Name, "RowKey ge ", "RowKey le ")]
    public async Task AdjacentIncrementalPartitionsAreDisjointKeyRangesThatMakeUpTheWholeSet(
        string set, string dayKey, string id, string table, string lowerBound, string upperBound)
    {
        var key = await ReaderKeyAsync();
        using var client = PowerBiClient("anyone", key);
        var all = Identities(await ReadAllAsync(client, $"api/odata/{set}?$select={id},{dayKey}", key), id, dayKey);
        var days = all.Select(r => r.Day).ToList();
        var (min, max) = (days.Min(), days.Max());
        var middle = Middle(min, max);

        feed.StorageCalls.Reset();
        var first = Identities(await ReadAllAsync(client, $"api/odata/{set}?$filter={dayKey} ge {min} and {dayKey} lt {middle}&$select={id},{dayKey}", key), id, dayKey);
        var filters = feed.StorageCalls.Filters(table);
        var second = Identities(await ReadAllAsync(client, $"api/odata/{set}?$filter={dayKey} ge {middle} and {dayKey} lt {NextDay(max)}&$select={id},{dayKey}", key), id, dayKey);

        Assert.NotEmpty(first);
        Assert.NotEmpty(second);
        Assert.Empty(first.Intersect(second));
        Assert.Equal(all.OrderBy(r => r.Id).ThenBy(r => r.Day), first.Concat(second).OrderBy(r => r.Id).ThenBy(r => r.Day));
        Assert.All(first, r => Assert.InRange(r.Day, min, middle - 1));
        Assert.NotEmpty(filters);
        Assert.All(filters, f => Assert.True(f.Contains(lowerBound, StringComparison.Ordinal) && f.Contains(upperBound, StringComparison.Ordinal), f));
    }

    /// <summary>The old incremental-refresh shapes (a Date/Time filter on ReportedAt, an Edm.Date filter on Date) still work.</summary>
    [Fact]
    public async Task TheOlderFilterShapesStillWork()
    {
        var key = await ReaderKeyAsync();
        using var client = PowerBiClient("powerbi", key);
        var byInstant = await ReadAllAsync(client, "api/odata/Updates?$filter=ReportedAt ge 2026-01-10T00:00:00Z and ReportedAt lt 2026-01-20T00:00:00Z&$select=Id,ReportedAt,ReportedDateSK", key);
        Assert.NotEmpty(byInstant);
        Assert.All(byInstant, r => Assert.InRange(r["ReportedDateSK"].GetInt32(), 20260110, 20260119));
        var byDate = await ReadAllAsync(client, "api/odata/ProjectSnapshots?$filter=Date ge 2026-01-12 and Date lt 2026-01-14&$select=ProjectKey,DateSK", key);
        Assert.Equal(["20260112", "20260113"], byDate.Select(r => r["DateSK"].GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order());
    }

    /// <summary>
    /// docs/TransformationTracker.pq asks only for sets and columns the feed has, filters every growing set on its
    /// integer day key, and its default RangeStart/RangeEnd cover the demo (September to December 2026).
    /// </summary>
    [Fact]
    public async Task ThePowerQueryFileUsesTheFeedsSetsAndKeysAndItsDefaultsCoverTheDemo()
    {
        var pq = await File.ReadAllTextAsync(Path.Combine(Testing.RepoRoot.Find(), "docs", "TransformationTracker.pq"));
        var model = await feed.MetadataAsync();
        var sets = System.Text.RegularExpressions.Regex.Matches(pq, @"Tracker\{\[Name = ""(\w+)""").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["Portfolios", "Projects", "Baselines", "Updates", "ProjectSnapshots", "PortfolioSnapshots"], sets);
        Assert.All(sets, s => Assert.NotNull(model.EntityContainer.FindEntitySet(s)));
        foreach (var (set, key) in new[] { ("Updates", "ReportedDateSK"), ("ProjectSnapshots", "DateSK"), ("PortfolioSnapshots", "DateSK") })
        {
            Assert.Equal(EdmPrimitiveTypeKind.Int32, model.EntityContainer.FindEntitySet(set).EntityType.FindProperty(key).Type.PrimitiveKind());
            Assert.Contains($"each [{key}] >= DateKey(RangeStart) and [{key}] < DateKey(RangeEnd)", pq, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("ApiKeyName", pq, StringComparison.Ordinal);
        DateTime Default(string name) => DateTime.Parse(System.Text.RegularExpressions.Regex.Match(pq,
            $@"shared {name} = #datetime\((\d+), (\d+), (\d+)").Result("$1-$2-$3"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Default("RangeStart") <= new DateTime(2026, 9, 1) && Default("RangeEnd") > new DateTime(2026, 12, 31));
    }

    private async Task<string> ReaderKeyAsync()
    {
        var response = await feed.Admin.PostAsync("/api/keys", new StringContent("""{"name":"Power BI service","role":"reader"}""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
    }

    /// <summary>
    /// A client with what the connector sends on every request: Basic credentials (Power BI service, OData feed, Basic:
    /// any user name, the key as the password), OData-MaxVersion 4.0 (OData 4.0 Part 1, 8.2.7), and Accept-Encoding
    /// gzip, deflate (the Mashup engine's web requests), its responses decompressed as the connector does.
    /// </summary>
    private HttpClient PowerBiClient(string user, string key)
    {
        var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate })
        {
            BaseAddress = feed.Server.Address,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + key)));
        client.DefaultRequestHeaders.Add("OData-MaxVersion", "4.0");
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Microsoft.Data.Mashup/2.0");
        return client;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string url, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    private static void AssertOData(HttpResponseMessage response, string mediaType)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["4.0"], response.Headers.GetValues("OData-Version"));
    }

    /// <summary>Reads a set to the end as the connector does: each page with the V4 Accept, then its @odata.nextLink as given.</summary>
    private static async Task<List<Dictionary<string, JsonElement>>> ReadAllAsync(HttpClient client, string url, string key)
    {
        var rows = new List<Dictionary<string, JsonElement>>();
        for (string? next = url; next is not null;)
        {
            var response = await SendAsync(client, next, ProposedV4);
            AssertOData(response, "application/json");
            Assert.Contains("odata.metadata=minimal", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            rows.AddRange(page.RootElement.GetProperty("value").EnumerateArray()
                .Select(r => r.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())));
            next = page.RootElement.TryGetProperty("@odata.nextLink", out var link) ? link.GetString() : null;
            if (next is not null)
            {
                // The next link works with the same Basic credentials and carries no secret.
                Assert.DoesNotContain(key, next, StringComparison.Ordinal);
                Assert.DoesNotContain("code=", next, StringComparison.OrdinalIgnoreCase);
                Assert.StartsWith(client.BaseAddress!.ToString(), next, StringComparison.Ordinal);
            }
        }
        return rows;
    }

    private static List<(string Id, int Day)> Identities(List<Dictionary<string, JsonElement>> rows, string id, string dayKey) =>
        [.. rows.Select(r => (r[id].GetString()!, r[dayKey].GetInt32()))];

    /// <summary>A day key between two, as a partition boundary: the day halfway between them.</summary>
    private static int Middle(int min, int max)
    {
        var from = DayKey.Parse(min.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var to = DayKey.Parse(max.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return DayKey.Number(from.AddDays((to.DayNumber - from.DayNumber + 1) / 2));
    }

    private static int NextDay(int day) => DayKey.Number(DayKey.Parse(day.ToString(System.Globalization.CultureInfo.InvariantCulture)).AddDays(1));
}
