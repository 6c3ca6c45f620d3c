using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracker.Dashboard;
using Tracker.Tests.Api;
using static Tracker.Tests.Dashboard.DashboardTests;

namespace Tracker.Tests.Dashboard;

/// <summary>
/// The dashboard's everyday actions over HTTP against the real server and Azurite: a progress update and the
/// project's details from the project page, a CSV upload shown as a dry run before it is written, the CSV
/// downloads, keys and grants for admins — each with its role checked, its form's values kept and its bad fields
/// named by their labels, and written once however often the same form is sent.
/// </summary>
[Collection("api")]
public sealed partial class DashboardActionTests(ApiFixture api)
{
    [Fact]
    public async Task AWriterPostsAnUpdateFromTheProjectPageAndSeesItsNumbersChange()
    {
        var (portfolio, project) = await api.CreateProjectAsync();
        var key = await api.CreateKeyAsync("writer", portfolio);
        using var browser = Browser();
        await SignInAsync(browser, key);
        var page = await browser.GetStringAsync(DashboardRoutes.Project(portfolio, project));
        Assert.Contains("Post a progress update", page, StringComparison.Ordinal);
        Assert.Equal("0", Value(page, "percentComplete"));

        var fields = UpdateFields(page, ("percentComplete", "42.5"), ("spend", "31000"), ("rag", "amber"), ("note", "Cut-over planned"));
        var posted = await PostFormAsync(browser, DashboardRoutes.Project(portfolio, project) + "/updates", fields);
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.StartsWith(DashboardRoutes.Project(portfolio, project) + "?done=update", posted.Headers.Location!.OriginalString, StringComparison.Ordinal);
        // The same form sent again (a double click): answered as the first time, nothing more recorded.
        var again = await PostFormAsync(browser, DashboardRoutes.Project(portfolio, project) + "/updates", fields);
        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);

        var after = await browser.GetStringAsync(posted.Headers.Location.OriginalString);
        Assert.Contains("Your progress update is recorded.", after, StringComparison.Ordinal);
        Assert.Contains("<dd data-field=\"percentComplete\">42.5%</dd>", after, StringComparison.Ordinal);
        Assert.Contains("<dd data-field=\"rag\">Amber</dd>", after, StringComparison.Ordinal);
        Assert.Contains("Cut-over planned", after, StringComparison.Ordinal);
        var history = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/{project}/updates"), 200);
        var update = Assert.Single(history.GetProperty("items").EnumerateArray());
        Assert.Equal((42.5m, 31000m, "amber", "test writer"), (update.GetProperty("percentComplete").GetDecimal(), update.GetProperty("spend").GetDecimal(),
            update.GetProperty("rag").GetString(), update.GetProperty("reportedBy").GetString()));
    }

    [Fact]
    public async Task AnUpdateFormWithoutItsTokenOrFromAnotherSiteIsRefusedAndWritesNothing()
    {
        var (portfolio, project) = await api.CreateProjectAsync();
        using var browser = Browser();
        await SignInAsync(browser, ApiFixture.AdminKey);
        var page = await browser.GetStringAsync(DashboardRoutes.Project(portfolio, project));
        var path = DashboardRoutes.Project(portfolio, project) + "/updates";
        var fields = UpdateFields(page, ("percentComplete", "60"));

        var noToken = await PostFormAsync(browser, path, [.. fields.Where(f => f.Item1 != "_csrf")]);
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Contains("nothing was changed", await noToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrongToken = await PostFormAsync(browser, path, [.. fields.Select(f => f.Item1 == "_csrf" ? (f.Item1, "forged") : f)]);
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
        var otherOrigin = await PostFormAsync(browser, path, [("Origin", "https://evil.example")], fields);
        Assert.Equal(HttpStatusCode.Forbidden, otherOrigin.StatusCode);
        var crossSite = await PostFormAsync(browser, path, [("Sec-Fetch-Site", "cross-site")], fields);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);

        var history = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/{project}/updates"), 200);
        Assert.Equal(0, history.GetProperty("items").GetArrayLength());
        // The same form, from this site with its token, is recorded.
        Assert.Equal(HttpStatusCode.SeeOther, (await PostFormAsync(browser, path, fields)).StatusCode);
    }

    [Fact]
    public async Task ABadUpdateComesBackWithWhatWasTypedAndEachFieldNamedByItsLabelAndWritesNothing()
    {
        var (portfolio, project) = await api.CreateProjectAsync();
        using var browser = Browser();
        await SignInAsync(browser, ApiFixture.AdminKey);
        var page = await browser.GetStringAsync(DashboardRoutes.Project(portfolio, project));

        var refused = await PostFormAsync(browser, DashboardRoutes.Project(portfolio, project) + "/updates",
            UpdateFields(page, ("percentComplete", "140"), ("spend", "lots"), ("status", "paused")));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Nothing was saved.", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#u-percentComplete\">Percent complete must be between 0 and 100.</a>", html, StringComparison.Ordinal);
        Assert.Contains("Spend to date must be a number, such as 42 or 42.5 (&quot;lots&quot; is not).", html, StringComparison.Ordinal);
        Assert.Contains("Status must be one of: Proposed, Active, On hold, Completed, Cancelled.", html, StringComparison.Ordinal);
        Assert.Contains("id=\"u-percentComplete\" name=\"percentComplete\" type=\"text\" value=\"140\" inputmode=\"decimal\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"u-spend-hint u-spend-error\" aria-invalid=\"true\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("percentComplete must", html, StringComparison.Ordinal);
        var history = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/{project}/updates"), 200);
        Assert.Equal(0, history.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task TheDetailsFormChangesDescriptiveFieldsAndRefusesAStaleOrBadOne()
    {
        var (portfolio, project) = await api.CreateProjectAsync();
        using var browser = Browser();
        await SignInAsync(browser, ApiFixture.AdminKey);
        var page = await browser.GetStringAsync(DashboardRoutes.Project(portfolio, project));
        var path = DashboardRoutes.Project(portfolio, project) + "/details";

        var bad = await PostFormAsync(browser, path, DetailsFields(page, ("owner", "not an address"), ("targetDate", "2025-01-01")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Contains("Owner must be an e-mail address such as name@example.com.", badHtml, StringComparison.Ordinal);
        Assert.Contains("Target date must be after Start date.", badHtml, StringComparison.Ordinal);
        Assert.Contains("value=\"not an address\"", badHtml, StringComparison.Ordinal);

        var saved = await PostFormAsync(browser, path, DetailsFields(page, ("targetDate", "2027-03-31"), ("owner", "lead@example.com")));
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        var stored = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/{project}"), 200);
        Assert.Equal(("2027-03-31", "lead@example.com", true), (stored.GetProperty("targetDate").GetString(), stored.GetProperty("owner").GetString(),
            stored.GetProperty("customerEngagement").GetBoolean()));

        // The first page's form again: the project changed since, so nothing is saved over that change.
        var stale = await PostFormAsync(browser, path, DetailsFields(page, ("name", "Renamed on an old page")));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("Someone changed this project since you opened the page", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unchanged = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/{project}"), 200);
        Assert.Equal("Project " + project, unchanged.GetProperty("name").GetString());
    }

    [Fact]
    public async Task ACsvUploadShowsTheDryRunWritesOnlyOnConfirmationAndOnlyOnce()
    {
        var portfolio = await api.CreatePortfolioAsync();
        using var browser = Browser();
        await SignInAsync(browser, ApiFixture.AdminKey);
        var form = await browser.GetStringAsync(DashboardRoutes.Import(portfolio));
        var csv = "id,name,category,status,priority,owner,startDate,targetDate,budget\r\n" +
            "erp-cloud,ERP to the cloud,cloud,active,high,ana@example.com,2026-01-05,2026-12-18,250000\r\n" +
            "crm-one,One CRM,crm,active,medium,bo@example.com,2026-02-01,2026-11-30,120000\r\n";

        var dryRun = await UploadAsync(browser, DashboardRoutes.Import(portfolio), Token(form), "projects", "projects.csv", csv);
        Assert.Equal(HttpStatusCode.OK, dryRun.StatusCode);
        var report = await dryRun.Content.ReadAsStringAsync();
        Assert.Contains("importing it creates 2, changes 0 and leaves 0 unchanged", report, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(report, "data-outcome=\"created\"").Count);
        Assert.Equal(0, await ProjectCountAsync(portfolio)); // the dry run wrote nothing

        var confirm = ConfirmFields(report);
        var imported = await PostFormAsync(browser, DashboardRoutes.Import(portfolio), confirm);
        Assert.Equal(HttpStatusCode.SeeOther, imported.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await PostFormAsync(browser, DashboardRoutes.Import(portfolio), confirm)).StatusCode); // sent twice
        Assert.Equal(2, await ProjectCountAsync(portfolio));
        var portfolioPage = await browser.GetStringAsync(imported.Headers.Location!.OriginalString);
        Assert.Contains("Imported: 2 projects created, 0 changed, 0 unchanged.", portfolioPage, StringComparison.Ordinal);
        Assert.Contains("ERP to the cloud", portfolioPage, StringComparison.Ordinal);
        Assert.Contains("One CRM", portfolioPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidCsvShowsEachRowsProblemsOffersNoImportAndABadHeaderIsNamedByTheUploadField()
    {
        var portfolio = await api.CreatePortfolioAsync();
        using var browser = Browser();
        await SignInAsync(browser, ApiFixture.AdminKey);
        var token = Token(await browser.GetStringAsync(DashboardRoutes.Import(portfolio)));

        var invalid = await UploadAsync(browser, DashboardRoutes.Import(portfolio), token, "projects", "p.csv",
            "name,category,startDate,budget\r\nGood,cloud,2026-01-05,1000\r\nBad,blockchain,2026-13-01,-5\r\n");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var html = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("1 of 2 rows have errors, so nothing can be imported.", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-row=\"3\">", html, StringComparison.Ordinal); // the spreadsheet's row 3 (the header is row 1)
        Assert.DoesNotContain("name=\"content\"", html, StringComparison.Ordinal);

        var header = await UploadAsync(browser, DashboardRoutes.Import(portfolio), token, "projects", "p.csv", "Name,Title\r\nx,y\r\n");
        Assert.Equal(HttpStatusCode.BadRequest, header.StatusCode);
        var headerHtml = await header.Content.ReadAsStringAsync();
        Assert.Contains("id=\"file-error\"", headerHtml, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", headerHtml, StringComparison.Ordinal);
        Assert.Contains("both mean &#x27;name&#x27;", headerHtml, StringComparison.Ordinal);
        Assert.Equal(0, await ProjectCountAsync(portfolio));
    }

    /// <summary>The import page's mapping step: the person's own headers mapped in the form, the dry run shows each column, the confirmation keeps the map.</summary>
    [Fact]
    public async Task HeadersMappedInTheFormAreShownColumnByColumnAndTheConfirmationImportsWithThem()
    {
        var portfolio = await api.CreatePortfolioAsync();
        using var browser = Browser();
        await SignInAsync(browser, ApiFixture.AdminKey);
        var token = Token(await browser.GetStringAsync(DashboardRoutes.Import(portfolio)));
        const string csv = "Vorhaben,Bereich,Beginn,Sponsor\r\nErstes,cloud,2026-01-05,Board\r\n";

        var badMap = await UploadAsync(browser, DashboardRoutes.Import(portfolio), token, "projects", "p.csv", csv, map: "Vorhaben: colour");
        Assert.Equal(HttpStatusCode.BadRequest, badMap.StatusCode);
        Assert.Contains("id=\"map-error\"", await badMap.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var dryRun = await UploadAsync(browser, DashboardRoutes.Import(portfolio), token, "projects", "p.csv", csv, map: "Vorhaben: name\r\nBereich: category\r\nBeginn: startDate");
        Assert.Equal(HttpStatusCode.OK, dryRun.StatusCode);
        var html = await dryRun.Content.ReadAsStringAsync();
        Assert.Matches("<tr data-column=\"A\"><th scope=\"row\">A</th><td>Vorhaben</td>\\s*<td>name \\(your mapping\\)</td>", html);
        Assert.Matches("<tr data-column=\"D\"><th scope=\"row\">D</th><td>Sponsor</td>\\s*<td>ignored</td>", html);
        Assert.Equal(0, await ProjectCountAsync(portfolio));

        var fields = ConfirmFields(html).Append(("map", WebUtility.HtmlDecode(Regex.Match(html, "name=\"map\" value=\"([^\"]*)\"").Groups[1].Value)));
        var confirmed = await PostFormAsync(browser, DashboardRoutes.Import(portfolio), [.. fields]);
        Assert.Equal(HttpStatusCode.SeeOther, confirmed.StatusCode);
        Assert.Equal(1, await ProjectCountAsync(portfolio));
    }

    [Fact]
    public async Task AReaderDownloadsTheCsvExportsButSeesNoWriteActionAndAForgedWriteIsRefused()
    {
        var (portfolio, project) = await api.CreateProjectAsync();
        var reader = await api.CreateKeyAsync("reader", portfolio);
        using var browser = Browser();
        await SignInAsync(browser, reader);

        var portfolioPage = await browser.GetStringAsync(DashboardRoutes.Portfolio(portfolio));
        Assert.DoesNotContain("Import a spreadsheet", portfolioPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Update requests", portfolioPage, StringComparison.Ordinal);
        Assert.Contains(DashboardRoutes.ExportProjects(portfolio), portfolioPage, StringComparison.Ordinal);
        var projectPage = await browser.GetStringAsync(DashboardRoutes.Project(portfolio, project));
        Assert.DoesNotContain("<form method=\"post\" action=\"" + DashboardRoutes.Project(portfolio, project), projectPage, StringComparison.Ordinal);

        var export = await browser.GetAsync(DashboardRoutes.ExportProjects(portfolio));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", export.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Contains(project, await export.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(DashboardRoutes.ExportUpdates(portfolio))).StatusCode);
        var workbook = await browser.GetAsync(DashboardRoutes.ExportProjectsXlsx(portfolio));
        Assert.Equal(Tracker.Spreadsheets.XlsxFiles.MediaType, workbook.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"{portfolio}-projects.xlsx", workbook.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(DashboardRoutes.ExportUpdatesXlsx(portfolio))).StatusCode);
        var template = await browser.GetAsync(DashboardRoutes.ProjectsTemplateXlsx(portfolio));
        Assert.Equal(Tracker.Spreadsheets.XlsxFiles.MediaType, template.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"{portfolio}-projects-template.xlsx", template.Content.Headers.ContentDisposition!.FileName!.Trim('"'));

        // A forged write with the reader's own valid token: the role is checked, nothing is written.
        var forged = await PostFormAsync(browser, DashboardRoutes.Project(portfolio, project) + "/updates",
            ("_csrf", Token(projectPage)), ("percentComplete", "99"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("This needs the writer role", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(DashboardRoutes.Import(portfolio))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(DashboardRoutes.Access)).StatusCode);
        var history = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/{project}/updates"), 200);
        Assert.Equal(0, history.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task AnAdminCreatesAKeyWhoseSecretIsShownOnceRevokesItAndManagesGrants()
    {
        using var browser = Browser();
        await SignInAsync(browser, ApiFixture.AdminKey);
        var page = await browser.GetStringAsync(DashboardRoutes.Access);
        var name = ApiFixture.NewId("bi");

        var bad = await PostFormAsync(browser, DashboardRoutes.AccessKeys, ("_csrf", Token(page)), ("name", ""), ("role", "owner"), ("portfolios", "Not An Id"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Contains("Name is required.", badHtml, StringComparison.Ordinal);
        Assert.Contains("Role must be one of: Reader, Writer, Admin.", badHtml, StringComparison.Ordinal);

        var created = await PostFormAsync(browser, DashboardRoutes.AccessKeys, ("_csrf", Token(page)), ("name", name), ("role", "reader"), ("portfolios", ""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = SecretOf(await created.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await api.Client(secret).GetAsync("/api/portfolios")).StatusCode);
        var listed = await browser.GetStringAsync(DashboardRoutes.Access);
        Assert.Contains(name, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal); // shown once

        var keyId = Regex.Match(listed, $"<tr data-key=\"([^\"]+)\"><th scope=\"row\">{name}</th>").Groups[1].Value;
        Assert.StartsWith($"tt_{keyId}_", secret, StringComparison.Ordinal);
        var revoked = await PostFormAsync(browser, DashboardRoutes.RevokeKey(keyId), ("_csrf", Token(listed)));
        Assert.Equal(HttpStatusCode.SeeOther, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Client(secret).GetAsync("/api/portfolios")).StatusCode);

        var principal = Guid.NewGuid().ToString();
        var grant = await PostFormAsync(browser, DashboardRoutes.AccessGrants, ("_csrf", Token(listed)), ("_form", Guid.NewGuid().ToString("N")),
            ("principalType", "group"), ("principalId", principal), ("name", "EMEA PMO"), ("portfolios", "p-emea, p-apac"));
        Assert.Equal(HttpStatusCode.SeeOther, grant.StatusCode);
        var grants = await HttpAssert.JsonAsync(await api.Admin.GetAsync("/api/grants?limit=200"), 200);
        var stored = grants.GetProperty("items").EnumerateArray().Single(g => g.GetProperty("principalId").GetString() == principal);
        Assert.Equal(new[] { "p-emea", "p-apac" }, stored.GetProperty("portfolios").EnumerateArray().Select(p => p.GetString()!).ToArray());
    }

    [Fact]
    public async Task AWriterCannotReachTheAccessPageAndSendingRequestsWithoutAMailServerSendsNothing()
    {
        var (portfolio, _) = await api.CreateProjectAsync();
        var writer = await api.CreateKeyAsync("writer");
        using var browser = Browser();
        await SignInAsync(browser, writer);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(DashboardRoutes.Access)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostFormAsync(browser, DashboardRoutes.AccessKeys,
            ("_csrf", Token(await browser.GetStringAsync(DashboardRoutes.Portfolios))), ("name", "x"), ("role", "admin"))).StatusCode);

        var requests = await browser.GetStringAsync(DashboardRoutes.UpdateRequests(portfolio));
        Assert.Contains("Update requests", requests, StringComparison.Ordinal);
        var send = await PostFormAsync(browser, DashboardRoutes.UpdateRequests(portfolio), ("_csrf", Token(requests)));
        Assert.Equal(HttpStatusCode.Conflict, send.StatusCode);
        Assert.Contains("No mail transport is configured", await send.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private HttpClientWithCookies Browser() => new(api.Server.Address);

    private async Task<int> ProjectCountAsync(string portfolio) =>
        (await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects?limit=200"), 200)).GetProperty("items").GetArrayLength();

    internal static async Task<HttpResponseMessage> UploadAsync(HttpClientWithCookies browser, string path, string token, string kind, string fileName, string csv,
        string? map = null)
    {
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "_csrf" },
            { new StringContent(kind), "kind" },
        };
        if (map is not null)
        {
            content.Add(new StringContent(map), "map");
        }
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", fileName);
        return await browser.PostAsync(path, content);
    }

    /// <summary>The hidden fields of the dry run's confirmation form.</summary>
    internal static (string, string)[] ConfirmFields(string html)
    {
        var form = html[html.IndexOf("name=\"content\"", StringComparison.Ordinal)..];
        string Hidden(string name) => WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value);
        Assert.NotEmpty(form);
        return [("_csrf", Token(html)), ("_form", Hidden("_form")), ("kind", Hidden("kind")), ("fileName", Hidden("fileName")), ("content", Hidden("content"))];
    }

    private static string Value(string html, string field) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{field}\" type=\"[a-z]+\" value=\"([^\"]*)\"").Groups[1].Value);

    /// <summary>The update form's fields as the page filled them in, with some changed; its token and form id.</summary>
    private static (string, string)[] UpdateFields(string html, params (string Name, string Value)[] changes)
    {
        var form = html[html.IndexOf("action=\"", html.IndexOf("Post a progress update", StringComparison.Ordinal), StringComparison.Ordinal)..];
        var values = new Dictionary<string, string>
        {
            ["_csrf"] = Token(html),
            ["_form"] = Regex.Match(form, "name=\"_form\" value=\"([^\"]+)\"").Groups[1].Value,
            ["percentComplete"] = Value(form, "percentComplete"),
            ["spend"] = Value(form, "spend"),
            ["budget"] = Value(form, "budget"),
            ["note"] = "",
        };
        foreach (var (name, value) in changes)
        {
            values[name] = value;
        }
        return [.. values.Select(v => (v.Key, v.Value))];
    }

    private static (string, string)[] DetailsFields(string html, params (string Name, string Value)[] changes)
    {
        var form = html[html.IndexOf("name=\"etag\"", StringComparison.Ordinal)..];
        var values = new Dictionary<string, string>
        {
            ["_csrf"] = Token(html),
            ["etag"] = WebUtility.HtmlDecode(Regex.Match(html, "name=\"etag\" value=\"([^\"]+)\"").Groups[1].Value),
            ["name"] = Value(form, "name"),
            ["category"] = "cloud",
            ["owner"] = Value(form, "owner"),
            ["startDate"] = Value(form, "startDate"),
            ["targetDate"] = Value(form, "targetDate"),
            ["customerEngagement"] = "true",
            ["customerKpi"] = Value(form, "customerKpi"),
            ["financialMeasure"] = Value(form, "financialMeasure"),
        };
        foreach (var (name, value) in changes)
        {
            values[name] = value;
        }
        return [.. values.Select(v => (v.Key, v.Value))];
    }

    private static string SecretOf(string html) => WebUtility.HtmlDecode(Regex.Match(html, "<p class=\"secret\" data-secret>([^<]+)</p>").Groups[1].Value);
}
