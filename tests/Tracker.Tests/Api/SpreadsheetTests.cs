using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tracker.Tests.Api;

/// <summary>CSV import and export through real HTTP on Azurite.</summary>
[Collection("api")]
public sealed class SpreadsheetTests(ApiFixture api)
{
    private const string ProjectHeader = "id,name,category,status,priority,owner,startDate,targetDate,budget,spend,percentComplete,rag,customerEngagement,customerKpi,financialMeasure";

    [Fact]
    public async Task ExportThenImportIsUnchangedAndAnEditedCellIsAnUpdate()
    {
        var portfolio = await api.CreatePortfolioAsync();
        await api.CreateProjectAsync(portfolio, "cloud-one", category: "cloud");
        await api.CreateProjectAsync(portfolio, "crm-two", category: "crm", priority: "high");
        await api.Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects", new
        {
            id = "ai-three",
            name = "=HYPERLINK(\"http://evil\")",
            category = "ai",
            startDate = "2026-01-01",
            owner = "lead@example.com",
            customerKpi = "NPS, \"net\" promoter\nscore",
            financialMeasure = "-cost",
        });

        var export = await ExportAsync($"/api/portfolios/{portfolio}/projects");
        Assert.StartsWith("\uFEFF" + ProjectHeader, export);
        Assert.Contains("'=HYPERLINK", export); // a formula is shown as text in a spreadsheet, never run
        Assert.Contains("'-cost", export);

        var same = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", export), 200);
        Assert.Equal(3, same.GetProperty("totals").GetProperty("unchanged").GetInt32());
        Assert.All(same.GetProperty("rows").EnumerateArray(), r => Assert.Equal("unchanged", r.GetProperty("outcome").GetString()));

        var edited = export.Replace("Project crm-two", "CRM consolidation", StringComparison.Ordinal);
        var changed = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", edited), 200);
        Assert.Equal((1, 2), (changed.GetProperty("totals").GetProperty("updated").GetInt32(), changed.GetProperty("totals").GetProperty("unchanged").GetInt32()));
        var project = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/crm-two"), 200);
        Assert.Equal("CRM consolidation", project.GetProperty("name").GetString());
        var ai = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/ai-three"), 200);
        Assert.Equal("=HYPERLINK(\"http://evil\")", ai.GetProperty("name").GetString());
        Assert.Equal("NPS, \"net\" promoter\nscore", ai.GetProperty("customerKpi").GetString());
    }

    [Fact]
    public async Task EveryInvalidRowIsReportedAndNothingIsWritten()
    {
        var portfolio = await api.CreatePortfolioAsync();
        await api.CreateProjectAsync(portfolio, "existing");
        var csv = string.Join("\n",
            "id,name,category,startDate,budget,percentComplete,owner",
            "new-ok,Fine,cloud,2026-01-01,100,0,",
            "bad-category,X,blockchain,2026-01-01,,,",
            "bad-date,X,ai,01/02/2026,,,",
            "bad-number,X,ai,2026-01-01,\"1.234,5\",,",
            ",,crm,2026-01-01,,,",
            "new-ok,Twice,cloud,2026-01-01,,,",
            "existing,Renamed,cloud,2026-01-05,,55,",
            "bad-owner,X,ai,2026-01-01,,,not-an-address",
            "UPPER,X,ai,2026-01-01,,,");
        var response = await ImportAsync($"/api/portfolios/{portfolio}/projects:import", csv);
        var problem = await HttpAssert.ProblemAsync(response, 422);
        var rows = problem.GetProperty("report").GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal("created", rows[0].GetProperty("outcome").GetString());
        var expected = new Dictionary<int, string>
        {
            [2] = "category",
            [3] = "startDate",
            [4] = "budget",
            [5] = "name",
            [6] = "id",
            [8] = "owner",
            [9] = "id",
        };
        foreach (var (row, field) in expected)
        {
            var reported = rows[row - 1];
            Assert.Equal("error", reported.GetProperty("outcome").GetString());
            Assert.True(reported.GetProperty("errors").TryGetProperty(field, out _), $"row {row}: {reported}");
        }
        // Rows as the spreadsheet numbers them (the header is row 1); problems grouped by column, each once with its rows.
        Assert.StartsWith("row 3: category must be one of", problem.GetProperty("errors").GetProperty("category")[0].GetString());
        Assert.Equal(3, rows[1].GetProperty("row").GetInt32());
        Assert.Contains("\"blockchain\" is not", rows[1].GetProperty("errors").GetProperty("category")[0].GetString());
        // A changed percent of an existing project is progress, not an error: it would be recorded as an update.
        Assert.Equal("updated", rows[6].GetProperty("outcome").GetString());
        Assert.Contains("Recorded as a progress update: percentComplete 0 → 55.", rows[6].GetProperty("notes")[0].GetString());
        var listed = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects"), 200);
        Assert.Single(listed.GetProperty("items").EnumerateArray()); // not even the valid row
        var existing = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/existing"), 200);
        Assert.NotEqual("Renamed", existing.GetProperty("name").GetString());
    }

    [Fact]
    public async Task AColumnNamedTwiceIsRefusedNamingBothAndAnUnknownOneIsIgnoredAndListed()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var problem = await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", "id,Name,Project name\na,b,c\n"), 400);
        Assert.Equal("Columns B ('Name') and C ('Project name') both mean 'name'; map one of them elsewhere (map=Project name:) or remove it.",
            problem.GetProperty("errors").GetProperty("header")[0].GetString());

        var csv = "Name,Category,Start,Sponsor,,\nOne,ai,2026-01-01,Board,,\nTwo,crm,2026-01-01,CFO,stray,\n";
        var report = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?dryRun=true", csv), 200);
        Assert.Equal(["A Name → name (name)", "B Category → category (name)", "C Start → startDate (synonym)", "D Sponsor → ignored", "E  → ignored"], Mapping(report));
        Assert.Equal(2, report.GetProperty("totals").GetProperty("created").GetInt32());

        // Nothing a tracker column: refused, saying how to map.
        var none = await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", "Sponsor,Region\nBoard,EMEA\n"), 400);
        Assert.StartsWith("No column of the file is a tracker column", none.GetProperty("errors").GetProperty("header")[0].GetString());
    }

    /// <summary>Headers nobody could guess are mapped in the request: map=Your header:column, repeated; an empty column ignores a header.</summary>
    [Fact]
    public async Task TheMapParameterNamesWhatAHeaderMeansAndBadMapsAreRefused()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var csv = "Vorhaben,Bereich,Beginn,Kosten bis heute,Name\nFirst,cloud,2026-01-01,100,ignore me\n";
        var map = "map=Vorhaben:name&map=Bereich:category&map=Beginn:startDate&map=" + Uri.EscapeDataString("Kosten bis heute:spend") + "&map=Name:";
        var report = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?dryRun=true&{map}", csv), 200);
        Assert.Equal(["A Vorhaben → name (map)", "B Bereich → category (map)", "C Beginn → startDate (map)", "D Kosten bis heute → spend (map)", "E Name → ignored"], Mapping(report));
        Assert.Equal(1, (await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?{map}", csv), 200)).GetProperty("totals").GetProperty("created").GetInt32());
        var project = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/first"), 200);
        Assert.Equal(("First", 100m), (project.GetProperty("name").GetString(), project.GetProperty("spend").GetDecimal()));

        foreach (var (bad, message) in new[]
        {
            ("map=Vorhaben:colour", "'colour' is not a tracker column"),
            ("map=Nowhere:name", "the file has no column 'Nowhere'"),
            ("map=Vorhaben", "must be 'Your header:column'"),
        })
        {
            var problem = await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?{bad}", csv), 400);
            Assert.Contains(message, problem.GetProperty("errors").GetProperty("map")[0].GetString());
        }
        Assert.Single((await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects"), 200)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ADryRunReportsAndWritesNothing()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var report = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?dryRun=true",
            "id,name,category,startDate\nd1,One,ai,2026-01-01\nd2,Two,crm,2026-02-01\n"), 200);
        Assert.True(report.GetProperty("dryRun").GetBoolean());
        Assert.Equal(2, report.GetProperty("totals").GetProperty("created").GetInt32());
        var listed = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects"), 200);
        Assert.Empty(listed.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task SemicolonsBomAndQuotedNewlinesAreRead()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var csv = "\uFEFFID;Name;Category;StartDate;Budget;CustomerKpi\r\neu-1;\"Übergang; Phase 1\";cloud;2026-01-05;250000.50;\"line one\r\nline two\"\r\n";
        var report = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", csv), 200);
        Assert.Equal(1, report.GetProperty("totals").GetProperty("created").GetInt32());
        var project = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/eu-1"), 200);
        Assert.Equal("Übergang; Phase 1", project.GetProperty("name").GetString());
        Assert.Equal(250000.50m, project.GetProperty("budget").GetDecimal());
        Assert.Equal("line one\r\nline two", project.GetProperty("customerKpi").GetString());
    }

    [Fact]
    public async Task FilesOverTheLimitsAre413()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var rows = new StringBuilder("id,name,category,startDate\n");
        for (var i = 0; i < 5001; i++)
        {
            rows.Append($"p{i},P,ai,2026-01-01\n");
        }
        await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", rows.ToString()), 413);
        var big = "id,name,category,startDate,customerKpi\n" + string.Concat(Enumerable.Repeat($"x,X,ai,2026-01-01,{new string('k', 1000)}\n", 4300));
        await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", big), 413);
        await HttpAssert.ProblemAsync(await api.Admin.PostAsync($"/api/portfolios/{portfolio}/projects:import", HttpAssert.Json("{}")), 415);
    }

    [Fact]
    public async Task UpdatesImportLikeSinglePostsAndOnceForItsIdempotencyKey()
    {
        var portfolio = await api.CreatePortfolioAsync();
        await api.CreateProjectAsync(portfolio, "alpha");
        var csv = "projectId,reportedAt,percentComplete,spend,priority,note\n" +
            "alpha,2026-03-02T09:00:00Z,45,120000,critical,newest\n" +
            "alpha,2026-02-16T09:00:00Z,30,70000,,reported late\n" +
            "ghost,2026-02-16T09:00:00Z,30,,,unknown project\n";
        var refused = await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/updates:import", csv), 422);
        Assert.StartsWith("row 4: ", refused.GetProperty("errors").GetProperty("projectId")[0].GetString());
        csv = string.Join("\n", csv.Split('\n').Where(l => !l.StartsWith("ghost", StringComparison.Ordinal)));

        var first = await ImportAsync($"/api/portfolios/{portfolio}/updates:import", csv, "file-1");
        var report = await HttpAssert.JsonAsync(first, 200);
        Assert.Equal(2, report.GetProperty("totals").GetProperty("created").GetInt32());
        var again = await ImportAsync($"/api/portfolios/{portfolio}/updates:import", csv, "file-1");
        await HttpAssert.JsonAsync(again, 200);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));

        var history = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/alpha/updates"), 200);
        Assert.Equal(2, history.GetProperty("items").GetArrayLength());
        var project = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/alpha"), 200);
        Assert.Equal(45, project.GetProperty("percentComplete").GetDecimal()); // the late row went to history only
        Assert.Equal("critical", project.GetProperty("priority").GetString());

        // The exported history imports unchanged.
        var export = await ExportAsync($"/api/portfolios/{portfolio}/projects/alpha/updates");
        var same = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/updates:import", export), 200);
        Assert.Equal(2, same.GetProperty("totals").GetProperty("unchanged").GetInt32());
        var portfolioWide = await ExportAsync($"/api/portfolios/{portfolio}/updates?from=2026-02-01&to=2026-02-28");
        Assert.Contains("reported late", portfolioWide);
        Assert.DoesNotContain("newest", portfolioWide);
        await HttpAssert.ProblemAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/updates"), 406);
    }

    [Fact]
    public async Task AnImportRunningBesideSinglePostsLosesNone()
    {
        var portfolio = await api.CreatePortfolioAsync();
        await api.CreateProjectAsync(portfolio, "busy-a");
        await api.CreateProjectAsync(portfolio, "busy-b");
        var csv = new StringBuilder("projectId,reportedAt,percentComplete,note\n");
        for (var i = 0; i < 400; i++)
        {
            csv.Append($"busy-{(i % 2 == 0 ? "a" : "b")},2026-0{1 + (i % 9)}-0{1 + (i % 9)}T00:00:00Z,{i % 100},import {i}\n");
        }
        var import = ImportAsync($"/api/portfolios/{portfolio}/updates:import", csv.ToString());
        var singles = Enumerable.Range(0, 40).Select(i => api.Admin.PostAsJsonAsync(
            $"/api/portfolios/{portfolio}/projects/busy-{(i % 2 == 0 ? "a" : "b")}/updates", new { reportedAt = "2026-10-01T00:00:00Z", percentComplete = 99, note = $"single {i}" }));
        var responses = await Task.WhenAll(singles.Prepend(import));
        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));

        var notes = new List<string>();
        foreach (var project in new[] { "busy-a", "busy-b" })
        {
            var export = await ExportAsync($"/api/portfolios/{portfolio}/projects/{project}/updates");
            notes.AddRange(export.Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')[9]));
            var state = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/{project}"), 200);
            Assert.Equal(99, state.GetProperty("percentComplete").GetDecimal()); // the newest report wins, whichever came last
        }
        Assert.Equal(440, notes.Count);
        Assert.Equal(440, notes.Distinct().Count());
    }

    /// <summary>The sample files in docs/ import as the README says.</summary>
    [Fact]
    public async Task TheSampleFilesImport()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var samples = Path.Combine(Testing.RepoRoot.Find(), "docs", "samples");
        var projects = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", await File.ReadAllTextAsync(Path.Combine(samples, "projects.csv"))), 200);
        Assert.Equal(3, projects.GetProperty("totals").GetProperty("created").GetInt32());
        var updates = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/updates:import", await File.ReadAllTextAsync(Path.Combine(samples, "updates-semicolon.csv"))), 200);
        Assert.Equal(3, updates.GetProperty("totals").GetProperty("created").GetInt32());
        var crm = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/crm-consolidation"), 200);
        Assert.Equal(45, crm.GetProperty("percentComplete").GetDecimal());
    }

    /// <summary>The headers, capitals and trailing empty column of a PMO's own sheet (issue 27's trial, in CSV).</summary>
    [Fact]
    public async Task APmosOwnHeadersCapitalisedValuesAndATrailingEmptyColumnImport()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var csv = "Project Name,Owner,Start,Finish,% Complete,Budget (EUR),Category,Status,Priority,\r\n" +
            "CRM Roll-out (EMEA),anna@example.com,2026-01-05,2026-12-18,10,250000,CRM,Active,High,\r\n" +
            "Demand forecasting,bo@example.com,2026-02-01,,0,80000,AI,On hold,Medium,\r\n";
        var dryRun = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?dryRun=true", csv), 200);
        var rows = dryRun.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["crm-roll-out-emea", "demand-forecasting"], rows.Select(r => r.GetProperty("id").GetString()));
        Assert.Contains("No id: 'crm-roll-out-emea', from its name.", rows[0].GetProperty("notes")[0].GetString());
        // The mapping, column by column; the trailing empty column (J) holds nothing and is not listed.
        Assert.Equal(["A Project Name → name (synonym)", "B Owner → owner (name)", "C Start → startDate (synonym)", "D Finish → targetDate (synonym)",
            "E % Complete → percentComplete (name)", "F Budget (EUR) → budget (name)", "G Category → category (name)", "H Status → status (name)", "I Priority → priority (name)"], Mapping(dryRun));

        var imported = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", csv), 200);
        Assert.Equal(2, imported.GetProperty("totals").GetProperty("created").GetInt32());
        var project = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/demand-forecasting"), 200);
        Assert.Equal(("ai", "onHold", "medium", 80000m), (project.GetProperty("category").GetString(), project.GetProperty("status").GetString(),
            project.GetProperty("priority").GetString(), project.GetProperty("budget").GetDecimal()));

        // The same file again: matched by name, nothing created twice.
        var again = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", csv), 200);
        Assert.Equal((0, 2), (again.GetProperty("totals").GetProperty("created").GetInt32(), again.GetProperty("totals").GetProperty("unchanged").GetInt32()));
        Assert.Contains("matched to project 'crm-roll-out-emea' by its name", again.GetProperty("rows")[0].GetProperty("notes")[0].GetString());
        var listed = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects"), 200);
        Assert.Equal(2, listed.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task AChangedBudgetOrPercentInAProjectsFileIsRecordedAsAProgressUpdateByTheCaller()
    {
        var portfolio = await api.CreatePortfolioAsync();
        await api.CreateProjectAsync(portfolio, "erp", budget: 100_000);
        var writer = await api.CreateKeyAsync("writer");
        var csv = "id,name,category,startDate,budget,percentComplete,RAG status\r\nerp,Project erp,cloud,2026-01-05,120000,35,A\r\nnew,New one,ai,2026-01-05,5000,0,red\r\n";
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/portfolios/{portfolio}/projects:import") { Content = new StringContent(csv, new UTF8Encoding(false), "text/csv") };
        var report = await HttpAssert.JsonAsync(await api.Client(writer).SendAsync(request), 200);
        Assert.Equal(["updated", "created"], report.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("outcome").GetString()));
        Assert.Equal("Recorded as a progress update: budget 100000 → 120000, percentComplete 0 → 35, rag none → amber.", report.GetProperty("rows")[0].GetProperty("notes")[0].GetString());
        Assert.Contains("RAG red: recorded as its first progress update.", report.GetProperty("rows")[1].GetProperty("notes").EnumerateArray().Select(n => n.GetString()));

        var history = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/erp/updates"), 200);
        var update = Assert.Single(history.GetProperty("items").EnumerateArray());
        Assert.Equal((120000m, 35m, "amber", "test writer"), (update.GetProperty("budget").GetDecimal(), update.GetProperty("percentComplete").GetDecimal(),
            update.GetProperty("rag").GetString(), update.GetProperty("reportedBy").GetString()));
        var project = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/erp"), 200);
        Assert.Equal((120000m, 35m, "amber"), (project.GetProperty("budget").GetDecimal(), project.GetProperty("percentComplete").GetDecimal(), project.GetProperty("rag").GetString()));
        Assert.Equal("red", (await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/new"), 200)).GetProperty("rag").GetString());
        // Unchanged rows write nothing.
        var again = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", csv), 200);
        Assert.Equal(2, again.GetProperty("totals").GetProperty("unchanged").GetInt32());
        Assert.Single((await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/erp/updates"), 200)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task AnUntouchedUpdatesExportReimportsUnchangedAndTheSameFileTwiceLeavesHistoryAsItWas()
    {
        var portfolio = await api.CreatePortfolioAsync();
        await api.CreateProjectAsync(portfolio, "alpha");
        foreach (var percent in new[] { 10, 20 })
        {
            (await api.Admin.PostAsJsonAsync($"/api/portfolios/{portfolio}/projects/alpha/updates", new { percentComplete = percent, note = $"at {percent}" })).EnsureSuccessStatusCode();
        }
        var export = await ExportAsync($"/api/portfolios/{portfolio}/updates");
        Assert.Matches(@"\d{2}:\d{2}:\d{2}\.\d+Z", export); // reportedAt to the tick, as stored
        var reimported = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/updates:import", export), 200);
        Assert.Equal(2, reimported.GetProperty("totals").GetProperty("unchanged").GetInt32());

        // A file without ids, imported twice with two Idempotency-Keys: the second time every row is already there.
        var csv = "projectId,reportedAt,percentComplete,note\r\nalpha,2026-06-01T09:00:00Z,30,June\r\nalpha,2026-07-01T09:00:00Z,40,July\r\n";
        Assert.Equal(2, (await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/updates:import", csv, "first"), 200)).GetProperty("totals").GetProperty("created").GetInt32());
        var second = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/updates:import", csv, "second"), 200);
        Assert.Equal((0, 2), (second.GetProperty("totals").GetProperty("created").GetInt32(), second.GetProperty("totals").GetProperty("unchanged").GetInt32()));
        var history = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/alpha/updates"), 200);
        Assert.Equal(4, history.GetProperty("items").GetArrayLength());

        // A changed historical update is refused, naming what differs with both values.
        var edited = export.Replace(",10,", ",15,", StringComparison.Ordinal);
        var refused = await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/updates:import", edited), 422);
        Assert.Contains("percentComplete: stored 10, file 15", refused.GetProperty("report").GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("outcome").GetString() == "error").GetProperty("errors").GetProperty("id")[0].GetString());
    }

    /// <summary>Numbers and dates as spreadsheets write them, read with the file's culture; ambiguity is refused naming the fix.</summary>
    [Fact]
    public async Task NumbersDatesAndYesNoAreReadAsTheFilesCultureWritesThem()
    {
        var portfolio = await api.CreatePortfolioAsync(timeZone: "Europe/Berlin");
        var english = "name,category,startDate,budget\r\nOne,cloud,2 Mar 2026,\"250,000\"\r\nTwo,crm,2026-03-02,\"€250,000.00\"\r\n";
        var dryRun = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?dryRun=true", english), 200);
        Assert.Equal(["A name → name (name)", "B category → category (name)", "C startDate → startDate (name)", "D budget → budget (name)"], Mapping(dryRun));
        var report = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", english), 200);
        Assert.Equal(2, report.GetProperty("totals").GetProperty("created").GetInt32());
        var one = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/one"), 200);
        Assert.Equal(("2026-03-02", 250000m), (one.GetProperty("startDate").GetString(), one.GetProperty("budget").GetDecimal()));

        // 01/05/2026 is the 1st of May or the 5th of January: refused without a culture, naming the row and the fix.
        var ambiguous = "name,category,startDate\r\nThree,ai,01/05/2026\r\n";
        var refused = await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?dryRun=true", ambiguous), 422);
        Assert.Equal(["A name → name (name)", "B category → category (name)", "C startDate → startDate (name)"], Mapping(refused.GetProperty("report")));
        Assert.Contains("say which culture", refused.GetProperty("errors").GetProperty("startDate")[0].GetString());
        Assert.StartsWith("row 2: ", refused.GetProperty("errors").GetProperty("startDate")[0].GetString());
        var british = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?culture=en-GB", ambiguous), 200);
        Assert.Equal(1, british.GetProperty("totals").GetProperty("created").GetInt32());
        Assert.Equal("2026-05-01", (await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/three"), 200)).GetProperty("startDate").GetString());

        // A German semicolon file: 05.01.2026, 1.234,5, 42,6 and 5 %, WAHR; "42,6" without the culture is refused.
        var german = "Projektname;category;startDate;budget;% complete;customerEngagement\r\nVier;ai;05.01.2026;1.234,5;42,6;WAHR\r\nFünf;crm;06.01.2026;2.000;5 %;FALSCH\r\n";
        var noCulture = await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?dryRun=true&map=Projektname:name", german), 422);
        Assert.Equal(["A Projektname → name (map)", "B category → category (name)", "C startDate → startDate (name)", "D budget → budget (name)",
            "E % complete → percentComplete (name)", "F customerEngagement → customerEngagement (name)"], Mapping(noCulture.GetProperty("report")));
        Assert.Contains("\"42,6\" is not", noCulture.GetProperty("report").GetProperty("rows")[0].GetProperty("errors").GetProperty("percentComplete")[0].GetString());
        var de = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?culture=de-DE&map=Projektname:name", german), 200);
        Assert.Equal(2, de.GetProperty("totals").GetProperty("created").GetInt32());
        var vier = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/vier"), 200);
        Assert.Equal(("2026-01-05", 1234.5m, 42.6m, true), (vier.GetProperty("startDate").GetString(), vier.GetProperty("budget").GetDecimal(),
            vier.GetProperty("percentComplete").GetDecimal(), vier.GetProperty("customerEngagement").GetBoolean()));
        Assert.Equal(5m, (await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/funf"), 200)).GetProperty("percentComplete").GetDecimal());

        // Status dates without an offset are read in the portfolio's zone: a date alone at 12:00 there.
        var updates = "projectId,reportedAt,percentComplete\r\none,2026-11-30 09:00:00,10\r\none,2026-12-01,20\r\n";
        Assert.Equal(2, (await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/updates:import", updates), 200)).GetProperty("totals").GetProperty("created").GetInt32());
        var history = (await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/one/updates"), 200)).GetProperty("items");
        Assert.Equal([DateTimeOffset.Parse("2026-12-01T11:00:00Z", System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse("2026-11-30T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture)],
            history.EnumerateArray().Select(u => u.GetProperty("reportedAt").GetDateTimeOffset()).ToArray());
        Assert.Equal(400, (int)(await ImportAsync($"/api/portfolios/{portfolio}/updates:import?culture=xx-nowhere", updates)).StatusCode);
    }

    /// <summary>The README's German sample (docs/samples/projects-de.csv) reads with ?culture=de-DE, as the README runs it.</summary>
    [Fact]
    public async Task TheGermanSampleOfTheReadmeImportsWithItsCulture()
    {
        var portfolio = await api.CreatePortfolioAsync(timeZone: "Europe/Berlin");
        var csv = await File.ReadAllTextAsync(Path.Combine(Testing.RepoRoot.Find(), "docs", "samples", "projects-de.csv"));
        var report = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?culture=de-DE", csv), 200);
        Assert.Equal(["data-platform", "service-desk-ai"], report.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        var project = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/data-platform"), 200);
        Assert.Equal(("2026-01-05", "2026-09-30", 1250000m, 12.5m), (project.GetProperty("startDate").GetString(), project.GetProperty("targetDate").GetString(),
            project.GetProperty("budget").GetDecimal(), project.GetProperty("percentComplete").GetDecimal()));
    }

    /// <summary>A report a person can act on: grouped problems, blank rows counted, a totals row skipped, an owner with a name.</summary>
    [Fact]
    public async Task ThirtyBadRowsGiveOneProblemWithItsRowsATotalsRowIsSkippedAndAnOwnerMayCarryAName()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var lines = new List<string> { "name,category,startDate,budget,owner" };
        lines.AddRange(Enumerable.Range(1, 30).Select(i => $"P{i},cloud,2026-01-01,{i}k,"));
        var refused = await ImportAsync($"/api/portfolios/{portfolio}/projects:import?dryRun=true", string.Join("\r\n", lines));
        var problem = await HttpAssert.ProblemAsync(refused, 422);
        var grouped = Assert.Single(problem.GetProperty("report").GetProperty("problems").EnumerateArray());
        Assert.Equal("budget", grouped.GetProperty("column").GetString());
        Assert.Equal(Enumerable.Range(2, 30), grouped.GetProperty("rows").EnumerateArray().Select(r => r.GetInt32()));
        Assert.Single(problem.GetProperty("errors").GetProperty("budget").EnumerateArray());

        var csv = "name,category,startDate,budget,owner\r\nOne,cloud,2026-01-01,100,Anna Schmidt <anna@example.com>\r\n\r\nTwo,ai,2026-01-01,200,Bo Berg\r\nTotal,,,300,\r\n";
        var report = await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?dryRun=true", csv), 422);
        var rows = report.GetProperty("report").GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal([2, 4, 5], rows.Select(r => r.GetProperty("row").GetInt32())); // the blank row 3 counts
        Assert.Equal(["created", "error", "skipped"], rows.Select(r => r.GetProperty("outcome").GetString()));
        Assert.Contains("\"Bo Berg\" is a name: write it as Bo Berg <name@example.com>", rows[1].GetProperty("errors").GetProperty("owner")[0].GetString());
        Assert.Equal(1, report.GetProperty("report").GetProperty("totals").GetProperty("skipped").GetInt32());

        var fixedCsv = csv.Replace("Bo Berg", "bo@example.com", StringComparison.Ordinal);
        Assert.Equal(2, (await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", fixedCsv), 200)).GetProperty("totals").GetProperty("created").GetInt32());
        Assert.Equal("anna@example.com", (await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/one"), 200)).GetProperty("owner").GetString());
    }

    [Fact]
    public async Task ADryRunAskedAsCsvReturnsTheFileWithWhatEachRowWouldDoAndItsProblems()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var csv = "Project Name,Category,Start\r\nGood one,cloud,2026-01-05\r\nBad one,blockchain,2026-01-05\r\n";
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/portfolios/{portfolio}/projects:import?dryRun=true") { Content = new StringContent(csv, new UTF8Encoding(false), "text/csv") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await api.Admin.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",row,outcome,problems", lines[0]);
        Assert.StartsWith(",Good one,cloud,", lines[1]);
        Assert.Contains(",2,created,", lines[1]);
        Assert.Contains(",3,error,\"category must be one of: cloud, crm, ai (\"\"blockchain\"\" is not).", lines[2]);
        var listed = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects"), 200);
        Assert.Equal(0, listed.GetProperty("items").GetArrayLength());
    }

    /// <summary>The dry run's mapping as "letter header → column (how)" or "letter header → ignored".</summary>
    internal static IReadOnlyList<string> Mapping(JsonElement report) =>
    [
        .. report.GetProperty("columns").EnumerateArray().Select(c => $"{c.GetProperty("letter").GetString()} {c.GetProperty("header").GetString()} → "
            + (c.GetProperty("column").ValueKind == JsonValueKind.Null ? "ignored" : $"{c.GetProperty("column").GetString()} ({c.GetProperty("how").GetString()})")),
    ];

    private Task<HttpResponseMessage> ImportAsync(string path, string csv, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(csv, new UTF8Encoding(false), "text/csv") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return api.Admin.SendAsync(request);
    }

    private async Task<string> ExportAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await api.Admin.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
    }
}
