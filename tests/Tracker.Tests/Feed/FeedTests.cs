// ODL 8 reads Edm.Date as Microsoft.OData.Edm.Date (obsolete only in view of ODL 9).
#pragma warning disable CS0618
using System.Net.Http.Json;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Validation;
using Tracker.Feed;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Testing;
using Tracker.Tests.Api;

namespace Tracker.Tests.Feed;

[Collection("feed")]
public sealed class FeedTests(FeedFixture feed)
{
    [Fact]
    public async Task TheMetadataIsCsdlXmlWithKeysRelationshipsAndEdmTypes()
    {
        var response = await feed.Admin.GetAsync("/api/odata/$metadata");
        Assert.Equal("application/xml", response.Content.Headers.ContentType!.MediaType);
        var model = await feed.MetadataAsync();

        var sets = model.EntityContainer.EntitySets().ToDictionary(s => s.Name);
        Assert.Equal(["Baselines", "PortfolioSnapshots", "Portfolios", "ProjectSnapshots", "Projects", "Updates"], sets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["ProjectKey", "DateSK"], sets["ProjectSnapshots"].EntityType.Key().Select(k => k.Name));
        Assert.Equal(EdmPrimitiveTypeKind.Date, Kind(sets["ProjectSnapshots"], "Date"));
        Assert.Equal(EdmPrimitiveTypeKind.Int32, Kind(sets["ProjectSnapshots"], "DateSK"));
        Assert.Equal(EdmPrimitiveTypeKind.Int32, Kind(sets["PortfolioSnapshots"], "DateSK"));
        Assert.Equal(EdmPrimitiveTypeKind.DateTimeOffset, Kind(sets["Updates"], "ReportedAt"));
        Assert.Equal(EdmPrimitiveTypeKind.Decimal, Kind(sets["Projects"], "Budget"));
        Assert.Equal(EdmPrimitiveTypeKind.Decimal, Kind(sets["Updates"], "Spend"));
        Assert.Equal(EdmPrimitiveTypeKind.Date, Kind(sets["Projects"], "StartDate"));

        // No navigation properties (Power Query would offer them for expansion and ask for paths the feed does not
        // serve); the relationships are the key columns the model joins on (ADR 8).
        Assert.All(sets.Values, set => Assert.Empty(set.EntityType.NavigationProperties()));
        Assert.NotNull(sets["Projects"].EntityType.FindProperty("PortfolioId"));
        Assert.All(new[] { "Updates", "ProjectSnapshots" }, name => Assert.NotNull(sets[name].EntityType.FindProperty("ProjectKey")));
        // The integer day key and the "detect data changes" column of every growing set.
        Assert.Equal(EdmPrimitiveTypeKind.Int32, Kind(sets["Updates"], "ReportedDateSK"));
        Assert.All(new[] { "Updates", "ProjectSnapshots", "PortfolioSnapshots" },
            name => Assert.Equal(EdmPrimitiveTypeKind.DateTimeOffset, Kind(sets[name], "LastWrittenAt")));
    }

    /// <summary>
    /// $metadata is valid CSDL (Microsoft's CSDL reader and EdmLib's validation rules, vocabulary terms included) and
    /// says with the Capabilities vocabulary what the feed supports, so Power Query folds only that.
    /// </summary>
    [Fact]
    public async Task TheMetadataIsValidAndDeclaresTheFeedsCapabilities()
    {
        var model = await feed.MetadataAsync();
        Assert.True(model.Validate(out var errors), string.Join("; ", errors.Select(e => e.ErrorMessage)));
        var xml = await feed.Admin.GetStringAsync("/api/odata/$metadata");
        Assert.Contains("<edmx:Reference Uri=\"https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml\">", xml);
        foreach (var set in model.EntityContainer.EntitySets())
        {
            Assert.Equal(false, Capability(model, set, "ExpandRestrictions", "Expandable"));
            Assert.Equal(false, Capability(model, set, "SearchRestrictions", "Searchable"));
            Assert.Equal(true, Capability(model, set, "FilterRestrictions", "Filterable"));
            Assert.Equal(true, Capability(model, set, "SortRestrictions", "Sortable"));
            Assert.Equal(true, Capability(model, set, "CountRestrictions", "Countable"));
            Assert.Equal(true, Capability(model, set, "SelectSupport", "Supported"));
            Assert.Equal(true, Tag(model, set, "TopSupported"));
            Assert.Equal(true, Tag(model, set, "SkipSupported"));
        }
        var functions = model.FindVocabularyAnnotations(model.EntityContainer).Single(a => a.Term.FullName() == "Org.OData.Capabilities.V1.FilterFunctions");
        Assert.Empty(((Microsoft.OData.Edm.Vocabularies.IEdmCollectionExpression)functions.Value).Elements);
    }

    /// <summary>
    /// $metadata against the OASIS CSDL XML schemas (edmx.xsd importing edm.xsd, OData 4.01, XSD 1.0), from the npm
    /// package odata-csdl pinned in package-lock.json: every element, attribute and annotation where the standard allows it.
    /// </summary>
    [Fact]
    public async Task TheMetadataValidatesAgainstTheOasisCsdlXmlSchema()
    {
        var schemas = new System.Xml.Schema.XmlSchemaSet { XmlResolver = new System.Xml.XmlUrlResolver() };
        var folder = Path.Combine(Testing.RepoRoot.Find(), "node_modules", "odata-csdl", "schemas");
        schemas.Add("http://docs.oasis-open.org/odata/ns/edmx", Path.Combine(folder, "edmx.xsd"));
        schemas.Compile();
        var problems = new List<string>();
        var settings = new System.Xml.XmlReaderSettings { ValidationType = System.Xml.ValidationType.Schema, Schemas = schemas };
        settings.ValidationFlags |= System.Xml.Schema.XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} at {e.Exception.LineNumber}:{e.Exception.LinePosition}: {e.Message}");
        using (var reader = System.Xml.XmlReader.Create(await feed.Admin.GetStreamAsync("/api/odata/$metadata"), settings))
        {
            while (reader.Read())
            {
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

        // The check bites: an attribute the schema does not allow is reported.
        var broken = (await feed.Admin.GetStringAsync("/api/odata/$metadata")).Replace("<EntityType Name=\"Portfolio\"", "<EntityType Colour=\"red\" Name=\"Portfolio\"", StringComparison.Ordinal);
        using (var reader = System.Xml.XmlReader.Create(new StringReader(broken), settings))
        {
            while (reader.Read())
            {
            }
        }
        Assert.Contains(problems, p => p.Contains("Colour", StringComparison.Ordinal));
    }

    private static bool? Capability(IEdmModel model, IEdmEntitySet set, string term, string property) =>
        model.FindVocabularyAnnotations(set).Where(a => a.Term.FullName() == "Org.OData.Capabilities.V1." + term)
            .Select(a => (Microsoft.OData.Edm.Vocabularies.IEdmRecordExpression)a.Value).Single()
            .Properties.Where(p => p.Name == property).Select(p => ((Microsoft.OData.Edm.Vocabularies.IEdmBooleanConstantExpression)p.Value).Value).Single();

    private static bool? Tag(IEdmModel model, IEdmEntitySet set, string term) =>
        model.FindVocabularyAnnotations(set).Where(a => a.Term.FullName() == "Org.OData.Capabilities.V1." + term)
            .Select(a => ((Microsoft.OData.Edm.Vocabularies.IEdmBooleanConstantExpression)a.Value).Value).Single();

    [Fact]
    public async Task TheServiceDocumentListsEverySet()
    {
        var response = await feed.Admin.GetAsync("/api/odata/");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(["4.0"], response.Headers.GetValues("OData-Version"));
        Assert.Contains("odata.metadata=minimal", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("\"@odata.context\":\"" + feed.Server.Address + "api/odata/$metadata\"", text);
        foreach (var set in new[] { "Portfolios", "Projects", "Updates", "ProjectSnapshots", "PortfolioSnapshots", "Baselines" })
        {
            Assert.Contains($"\"name\":\"{set}\"", text);
        }
    }

    [Theory]
    [InlineData("Portfolios", PortfolioStore.Name)]
    [InlineData("Projects", ProjectStore.Name)]
    [InlineData("Updates", UpdateStore.Name)]
    [InlineData("ProjectSnapshots", ProjectSnapshotStore.Name)]
    [InlineData("PortfolioSnapshots", PortfolioSnapshotStore.Name)]
    public async Task EverySetReadsStrictlyToTheEndAndHoldsWhatStorageHolds(string set, string table)
    {
        var model = await feed.MetadataAsync();
        var result = await feed.ReadAllAsync(model, set);
        Assert.Equal(await feed.CountStoredAsync(table), result.Rows.Count);
        if (set == "Updates")
        {
            Assert.Equal(12_000, result.Rows.Count);
            Assert.Equal(3, result.Pages); // 5,000 + 5,000 + 2,000
            Assert.Equal(12_000, result.Rows.Select(r => r["Id"]).Distinct().Count());
            Assert.IsType<DateTimeOffset>(result.Rows[0]["ReportedAt"]);
            Assert.IsType<decimal>(result.Rows[0]["Spend"]);
        }
        if (set == "ProjectSnapshots")
        {
            Assert.IsType<Date>(result.Rows[0]["Date"]);
            Assert.All(result.Rows, r => Assert.Equal(DateSK((Date)r["Date"]!), r["DateSK"]));
        }
    }

    [Fact]
    public async Task WithoutSelectTheFeedFetchesTheColumnsItServesAndNotAProjectsCompactHistory()
    {
        var model = await feed.MetadataAsync();
        feed.StorageCalls.Reset();
        var projects = await feed.ReadAllAsync(model, "Projects");
        Assert.NotEmpty(projects.Rows);
        var select = Assert.Single(feed.StorageCalls.Selects(ProjectStore.Name).Distinct());
        Assert.NotNull(select);
        var columns = select.Split(',');
        Assert.Contains(nameof(ProjectEntity.PercentComplete), columns);
        Assert.DoesNotContain(columns, c => c.StartsWith("History", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFeedPageReadsTheStoragePageAfterItAheadForTheNextRequestAndNothingIsReadTwice()
    {
        // 12,000 updates in storage pages of 1,000; feed pages of 5,000 end on a storage page's end.
        var model = await feed.MetadataAsync();
        feed.StorageCalls.Reset();
        using (var first = await feed.Admin.GetAsync("/api/odata/Updates?$select=Id"))
        {
            first.EnsureSuccessStatusCode();
        }
        // Five pages for the rows written, and the sixth read ahead for the request the next link leads to.
        Assert.Equal(6, await StorageQueriesAsync(6));

        // Reading the whole set: the page read ahead is the one each next request starts with, so three feed pages
        // take exactly the twelve storage pages, none read twice and none for nothing.
        feed.StorageCalls.Reset();
        var result = await feed.ReadAllAsync(model, "Updates");
        Assert.Equal(3, result.Pages);
        Assert.Equal(12_000, result.Rows.Select(r => r["Id"]).Distinct().Count());
        Assert.Equal(12, await StorageQueriesAsync(12));

        // A page that ends the answer ($top reached: no next link) reads nothing ahead.
        feed.StorageCalls.Reset();
        var topped = await feed.ReadAllAsync(model, "Updates?$top=2500&$skip=1500");
        Assert.Equal(2500, topped.Rows.Count);
        Assert.Equal(4, await StorageQueriesAsync(4)); // rows 1,500 to 4,000 lie in storage pages 2 to 4
    }

    [Fact]
    public async Task APageReadAheadThatFailedIsReadAgainByTheRequestThatNeedsIt()
    {
        // Storage fails right after the first feed page's five pages: the page read ahead for the next request fails
        // in the background. Storage is back before the client follows the next link, which must still get its rows.
        var queries = 0;
        feed.StorageFaults.Fails = m => StorageFaults.Is(m, "GET", UpdateStore.Name + "()");
        feed.StorageFaults.StartAfter(m => StorageFaults.Is(m, "GET", UpdateStore.Name + "()") && ++queries == 5);
        string next;
        try
        {
            using var first = await feed.Admin.GetAsync("/api/odata/Updates?$select=Id");
            using var page = System.Text.Json.JsonDocument.Parse(await first.Content.ReadAsStringAsync());
            Assert.Equal(FeedHandlers.PageSize, page.RootElement.GetProperty("value").GetArrayLength());
            next = page.RootElement.GetProperty("@odata.nextLink").GetString()!;
            for (var wait = 0; wait < 100 && feed.StorageFaults.Failed == 0; wait++)
            {
                await Task.Delay(50);
            }
            Assert.True(feed.StorageFaults.Failed > 0, "the read-ahead did not fail");
        }
        finally
        {
            feed.StorageFaults.End();
        }
        using var second = await feed.Admin.GetAsync(next);
        Assert.Equal(System.Net.HttpStatusCode.OK, second.StatusCode);
        using var rows = System.Text.Json.JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        var ids = rows.RootElement.GetProperty("value").EnumerateArray().Select(r => r.GetProperty("Id").GetString()).ToList();
        Assert.Equal(FeedHandlers.PageSize, ids.Distinct().Count());
    }

    /// <summary>The server's queries of Updates so far, once <paramref name="expected"/> were seen or a moment passed (a read-ahead runs in the background).</summary>
    private async Task<int> StorageQueriesAsync(int expected)
    {
        for (var wait = 0; wait < 20 && feed.StorageCalls.Count("GET", UpdateStore.Name + "()") < expected; wait++)
        {
            await Task.Delay(50);
        }
        await Task.Delay(200); // and nothing more comes
        return feed.StorageCalls.Count("GET", UpdateStore.Name + "()");
    }

    [Fact]
    public async Task BaselinesAreServedWithTheirSources()
    {
        var result = await feed.ReadAllAsync(await feed.MetadataAsync(), "Baselines");
        Assert.Equal(8, result.Rows.Count);
        Assert.Equal(0.62, result.Rows.Single(r => (string)r["Id"]! == "priority")["Value"]);
    }

    [Fact]
    public async Task IncrementalRefreshOnADateIsAPartitionKeyRangeAndExact()
    {
        var model = await feed.MetadataAsync();
        var all = (await feed.ReadAllAsync(model, "ProjectSnapshots")).Rows;
        var filter = "Date ge 2026-01-15 and Date lt 2026-02-01";
        var result = await feed.ReadAllAsync(model, "ProjectSnapshots?$filter=" + Uri.EscapeDataString(filter));
        var expected = all.Where(r => (Date)r["Date"]! >= new Date(2026, 1, 15) && (Date)r["Date"]! < new Date(2026, 2, 1)).ToList();
        Assert.Equal(30 * 17, expected.Count);
        Assert.Equal(Keys(expected, "ProjectKey", "DateSK"), Keys(result.Rows, "ProjectKey", "DateSK"));

        var plan = await FeedPlans.PlanAsync(feed.Server, "ProjectSnapshots", filter);
        Assert.Equal(
        [
            "PartitionKey ge 'p-apac|20260115' and PartitionKey le 'p-apac|20260201'",
            "PartitionKey ge 'p-emea|20260115' and PartitionKey le 'p-emea|20260201'",
        ], plan.Filters);
        var portfolioPlan = await FeedPlans.PlanAsync(feed.Server, "PortfolioSnapshots", "DateSK ge 20260115 and DateSK lt 20260201");
        Assert.Equal(["RowKey ge '20260115' and RowKey le '20260201'"], portfolioPlan.Filters);
    }

    [Fact]
    public async Task IncrementalRefreshOnATimestampIsARowKeyRangeAndExact()
    {
        var model = await feed.MetadataAsync();
        var all = (await feed.ReadAllAsync(model, "Updates?$select=Id,ReportedAt")).Rows;
        var from = DateTimeOffset.Parse("2026-01-01T00:00:00+01:00");
        var to = DateTimeOffset.Parse("2026-02-01T00:00:00+01:00");
        var filter = "ReportedAt ge 2026-01-01T00:00:00+01:00 and ReportedAt lt 2026-02-01T00:00:00+01:00";
        var result = await feed.ReadAllAsync(model, "Updates?$select=Id,ReportedAt&$filter=" + Uri.EscapeDataString(filter));
        var expected = all.Where(r => (DateTimeOffset)r["ReportedAt"]! >= from && (DateTimeOffset)r["ReportedAt"]! < to).Select(r => r["Id"]).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < all.Count);
        Assert.Equal(expected, result.Rows.Select(r => r["Id"]).Order().ToList());

        var plan = await FeedPlans.PlanAsync(feed.Server, "Updates", filter);
        var filterText = Assert.Single(plan.Filters);
        Assert.Matches("^RowKey ge '\\d{19}' and RowKey lt '\\d{19}'$", filterText);
        var portfolioPlan = await FeedPlans.PlanAsync(feed.Server, "Updates", "PortfolioId eq 'p-emea' and " + filter);
        var scoped = Assert.Single(portfolioPlan.Filters);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(scoped, "^PartitionKey ge 'p-emea\\|' and PartitionKey lt 'p-emea}' and RowKey ge '\\d{19}' and RowKey lt '\\d{19}'$"), scoped);
    }

    [Theory]
    [InlineData("Projects", "PortfolioId eq 'p-apac'")]
    [InlineData("Projects", "PortfolioId eq 'p-apac' or PortfolioId eq 'p-emea' and Priority eq 'high'")]
    [InlineData("Projects", "Budget gt 100000 and Budget le 150000")]
    [InlineData("Projects", "Status ne 'active'")]
    [InlineData("Projects", "not (CustomerEngagement eq true)")]
    [InlineData("Projects", "TargetDate eq null")]
    [InlineData("Projects", "StartDate ge 2025-11-01 and Category eq 'ai'")]
    [InlineData("Projects", "Owner ne null or Name lt 'Project 2'")]
    [InlineData("Portfolios", "Owner ne null")]
    [InlineData("Portfolios", "Id ge 'p-b'")]
    [InlineData("Updates", "ProjectKey eq 'p-emea|proj-03' and PercentComplete ge 95")]
    [InlineData("Updates", "Note eq 'note 10 it''s done'")]
    [InlineData("Updates", "Budget ne null and ReportedAt gt 2026-03-01T00:00:00Z")]
    [InlineData("Updates", "2026-03-01T00:00:00Z lt ReportedAt and PortfolioId eq 'p-apac' and Rag eq 'amber'")]
    [InlineData("ProjectSnapshots", "ProjectId eq 'proj-07' and DateSK le 20260112")]
    [InlineData("ProjectSnapshots", "Active eq false or SlipDays gt 10")]
    [InlineData("PortfolioSnapshots", "PortfolioId eq 'p-emea' and Date eq 2026-02-01")]
    [InlineData("PortfolioSnapshots", "PriorityValue gt 0.3 and PriorityStanding eq 'behind'")]
    public async Task EverySupportedFilterFormGivesExactlyTheMatchingRows(string set, string filter)
    {
        var model = await feed.MetadataAsync();
        var all = (await feed.ReadAllAsync(model, set)).Rows;
        var filtered = (await feed.ReadAllAsync(model, $"{set}?$filter={Uri.EscapeDataString(filter)}")).Rows;
        var expected = all.Where(FeedOracle.Predicate(filter)).ToList();
        var key = model.EntityContainer.FindEntitySet(set).EntityType.Key().Select(k => k.Name).ToArray();
        Assert.Equal(Keys(expected, key), Keys(filtered, key));
    }

    [Fact]
    public async Task SelectTopSkipCountAndOrderByDoWhatTheySay()
    {
        var model = await feed.MetadataAsync();
        var projects = await feed.ReadAllAsync(model, "Projects?$select=ProjectKey,Budget&$orderby=Budget desc,ProjectKey&$top=5&$skip=2&$count=true");
        Assert.Equal(30, projects.Count);
        Assert.Equal(5, projects.Rows.Count);
        Assert.All(projects.Rows, r => Assert.Equal(["Budget", "ProjectKey"], r.Keys.Order()));
        var budgets = projects.Rows.Select(r => (decimal)r["Budget"]!).ToList();
        Assert.Equal(budgets.OrderDescending(), budgets);
        Assert.Equal(180_000m, budgets[0]); // 200,000 and 190,000 skipped

        var topped = await feed.ReadAllAsync(model, "Updates?$select=Id&$top=7000");
        Assert.Equal(7000, topped.Rows.Count);
        Assert.Equal(2, topped.Pages);
        var skipped = await feed.ReadAllAsync(model, "Updates?$select=Id&$skip=11990");
        Assert.Equal(10, skipped.Rows.Count);
    }

    [Fact]
    public async Task AScopedReaderKeySeesOnlyItsPortfolio()
    {
        var key = (await (await feed.Admin.PostAsJsonAsync("/api/keys", new { name = "Power BI APAC", role = "reader", portfolios = new[] { "p-apac" } }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("key").GetString()!;
        using var client = feed.Server.CreateClient();
        var model = await feed.MetadataAsync();
        using var scoped = new HttpClient { BaseAddress = feed.Server.Address };
        scoped.DefaultRequestHeaders.Add("x-api-key", key);
        Assert.Equal(["p-apac"], (await feed.ReadAllAsync(model, "Portfolios", scoped)).Rows.Select(r => (string)r["Id"]!));
        Assert.All((await feed.ReadAllAsync(model, "Projects", scoped)).Rows, r => Assert.Equal("p-apac", r["PortfolioId"]));
        Assert.Equal(10 * FeedFixture.UpdatesPerProject, (await feed.ReadAllAsync(model, "Updates?$select=Id,PortfolioId", scoped)).Rows.Count);
        Assert.Empty((await feed.ReadAllAsync(model, "Projects?$filter=PortfolioId eq 'p-emea'", scoped)).Rows);
        // Power BI's Web API credential sends the key as ?code=, also on nextLinks (which never carry it themselves).
        var viaCode = await client.GetAsync("/api/odata/Updates?$select=Id&code=" + Uri.EscapeDataString(FeedFixture.AdminKey));
        var text = await viaCode.Content.ReadAsStringAsync();
        Assert.Contains("@odata.nextLink", text);
        Assert.DoesNotContain(FeedFixture.AdminKey, text);
        Assert.Equal(4000, (await feed.ReadAllAsync(model, "Updates?$select=Id&code=" + Uri.EscapeDataString(key), client)).Rows.Count);
    }

    [Theory]
    [InlineData("Projects?$filter=Nonexistent eq 1")]
    [InlineData("Projects?$filter=DateSK eq 'abc'")]
    [InlineData("Projects?$filter=Budget eq 'lots'")]
    [InlineData("Projects?$filter=StartDate ge 'yesterday'")]
    [InlineData("Projects?$filter=contains(Name,'x')")]
    [InlineData("Projects?$filter=Budget add 1 gt 2")]
    [InlineData("Projects?$filter=Name eq 'unterminated")]
    [InlineData("Projects?$filter=Name eq 'x' or 1")]
    [InlineData("Projects?$filter=PortfolioId in ('a','b')")]
    [InlineData("Projects?$expand=Portfolio")]
    [InlineData("Projects?$search=cloud")]
    [InlineData("Projects?$apply=aggregate(Budget with sum as Total)")]
    [InlineData("Projects?$top=99999999999999999999999")]
    [InlineData("Projects?$top=2000000000")]
    [InlineData("Projects?$top=-1")]
    [InlineData("Projects?$select=Nonexistent")]
    [InlineData("Projects?$orderby=length(Name)")]
    [InlineData("Projects?$skiptoken=forged")]
    [InlineData("Projects?$filter=Id eq 'a'&$filter=Id eq 'b'")]
    public async Task BadQueryOptionsAre400ProblemDetails(string query)
    {
        var response = await feed.Admin.GetAsync("/api/odata/" + query.Replace(" ", "%20"));
        var problem = await HttpAssert.ProblemAsync(response, 400);
        Assert.DoesNotContain("RequestFailedException", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("Projects?$filter=Name eq 'x'' or ''1'' eq ''1'")]
    [InlineData("Projects?$filter=PortfolioId eq 'p-emea'' or PartitionKey ne '''")]
    [InlineData("Updates?$filter=ProjectKey eq 'p-emea|x'' or RowKey gt '''")]
    [InlineData("Portfolios?$filter=Id eq '/\\#?'")]
    public async Task QuotesAndOperatorsInsideLiteralsAreJustText(string query)
    {
        var model = await feed.MetadataAsync();
        var result = await feed.ReadAllAsync(model, query.Replace(" ", "%20").Replace("#", "%23").Replace("?$", "?$").Replace("'/\\%23?'", "'%2F%5C%23%3F'"));
        Assert.Empty(result.Rows);
    }

    [Fact]
    public async Task UnknownSetsAre404AndTheFeedNeedsAKey()
    {
        await HttpAssert.ProblemAsync(await feed.Admin.GetAsync("/api/odata/Secrets"), 404);
        using var anonymous = feed.Server.CreateClient();
        await HttpAssert.ProblemAsync(await anonymous.GetAsync("/api/odata/Projects"), 401);
        await HttpAssert.ProblemAsync(await anonymous.GetAsync("/api/odata/$metadata"), 401);
    }

    private static EdmPrimitiveTypeKind Kind(IEdmEntitySet set, string property) =>
        set.EntityType.FindProperty(property).Type.AsPrimitive().PrimitiveKind();

    private static int DateSK(Date d) => d.Year * 10000 + d.Month * 100 + d.Day;

    private static List<string> Keys(IEnumerable<Dictionary<string, object?>> rows, params string[] key) =>
        [.. rows.Select(r => string.Join("/", key.Select(k => Convert.ToString(r[k], System.Globalization.CultureInfo.InvariantCulture)))).Order(StringComparer.Ordinal)];
}
