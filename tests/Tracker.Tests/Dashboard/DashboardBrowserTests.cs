using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Tracker.Dashboard;
using Tracker.Demo;
using Tracker.Testing;
using Tracker.Tests.Api;
using Tracker.Tests.UpdateRequests;

namespace Tracker.Tests.Dashboard;

/// <summary>
/// The dashboard in headless Chromium (Debian's, driven by Playwright) on the demo portfolio after a ComputeMetrics
/// run (twelve weeks of daily snapshots): a person signs in with a key, reads the portfolio against the survey,
/// drills into a project, signs out, and the back button shows nothing private. axe-core checks every page and state
/// at desktop and phone width. Screenshots go to artifacts/screenshots (and to docs/ with TRACKER_UPDATE_SCREENSHOTS=1).
/// </summary>
public sealed class DashboardBrowserTests
{
    private const string AdminKey = "dashboard-browser-admin-key-0123456789abcdef";

    private static readonly string[] ChromiumArgs =
        ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    [Fact]
    public async Task APersonSignsInReadsThePortfolioAgainstTheSurveyDrillsIntoAProjectAndSignsOut()
    {
        await using var world = await DemoWorld.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = UpdateFormBrowserTests.ChromiumPath, Headless = true, Args = ChromiumArgs });

        foreach (var (width, height, suffix) in new[] { (1280, 900, "desktop"), (390, 844, "phone") })
        {
            await using var context = await browser.NewContextAsync(new()
            {
                JavaScriptEnabled = false,
                ViewportSize = new() { Width = width, Height = height },
                IsMobile = width < 600,
                BaseURL = world.Address,
            });
            var page = await context.NewPageAsync();
            await page.GotoAsync(DashboardRoutes.Portfolios);
            await page.WaitForURLAsync("**/sign-in?returnUrl=%2Fportfolios");
            await page.GetByLabel("API key").FillAsync(world.ReaderKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.GetByRole(AriaRole.Heading, new() { Name = "Portfolios", Level = 1 }).WaitForAsync();
            await ScreenshotAsync(page, $"dashboard-portfolios-{suffix}.png");

            await page.GetByRole(AriaRole.Link, new() { Name = world.PortfolioName }).ClickAsync();
            await page.GetByRole(AriaRole.Heading, new() { Name = "Against the survey" }).WaitForAsync();
            Assert.True(await FitsTheWidthAsync(page, "main h1"), $"the portfolio page's heading is wider than {width}px");
            await ScreenshotAsync(page, $"dashboard-portfolio-{suffix}.png");

            // The ten rates shown are the API's for the day the page names.
            var context0 = await page.Locator("p.context").First.InnerTextAsync();
            var day = DateOnly.ParseExact(System.Text.RegularExpressions.Regex.Match(context0, @"As of (\d+ \w+ \d{4})").Groups[1].Value, "d MMM yyyy", CultureInfo.InvariantCulture);
            Assert.Contains("from the daily snapshot", context0, StringComparison.Ordinal);
            var metrics = await world.MetricsAsync(day);
            foreach (var rate in metrics.GetProperty("rates").EnumerateObject())
            {
                var cells = page.Locator($"tr[data-rate='{rate.Name}'] td");
                var value = rate.Value.GetProperty("value");
                Assert.Equal(Show.Share(value.ValueKind == JsonValueKind.Null ? null : value.GetDouble()), await cells.Nth(0).InnerTextAsync());
                Assert.Equal(Show.Share(rate.Value.GetProperty("baseline").GetDouble()), await cells.Nth(1).InnerTextAsync());
                Assert.Equal(Show.Points(rate.Value.GetProperty("gapPoints").ValueKind == JsonValueKind.Null ? null : rate.Value.GetProperty("gapPoints").GetDouble()),
                    await cells.Nth(2).InnerTextAsync());
            }
            // The trend is drawn from the snapshots of many days, and says so in words too.
            Assert.True(await page.Locator("details table tbody tr").CountAsync() > 30, "fewer than 30 days of trend");

            // Drill into the first project of the table.
            var first = page.Locator("tr[data-project] th a").First;
            var projectName = await first.InnerTextAsync();
            await first.ClickAsync();
            await page.GetByRole(AriaRole.Heading, new() { Name = projectName, Level = 1 }).WaitForAsync();
            Assert.Equal(2, await page.Locator("svg[role='img']").CountAsync());
            Assert.True(await page.Locator("tr[data-update]").CountAsync() > 0, "no update history on the project page");
            await ScreenshotAsync(page, $"dashboard-project-{suffix}.png");

            await SignOutAndGoBackAsync(page, projectName);
        }
    }

    /// <summary>
    /// The same journey with a work account: the sign-in page sends the browser to the OpenID Connect provider (a real
    /// one on loopback standing in for Entra ID: authorization code flow with PKCE), which sends it back signed in; the
    /// portfolio's rates are the API's, an update posted on a project's page changes its numbers, and after sign-out
    /// the back button shows nothing private.
    /// </summary>
    [Fact]
    public async Task APersonSignsInWithTheirWorkAccountAndDoesTheSameJourney()
    {
        await using var world = await DemoWorld.StartAsync(withEntra: true);
        await world.Entra!.NextSignInAsync(["Tracker.Writer"], Guid.NewGuid().ToString(), "anna@contoso.example");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = UpdateFormBrowserTests.ChromiumPath, Headless = true, Args = ChromiumArgs });
        await using (var axeContext = await browser.NewContextAsync(new() { BaseURL = world.Address }))
        {
            // The sign-in page with both ways in passes axe-core too (axe is a script: this context runs it).
            var axePage = await axeContext.NewPageAsync();
            await axePage.GotoAsync(DashboardRoutes.SignIn);
            var axe = await axePage.RunAxe();
            Assert.True(axe.Violations.Length == 0, string.Join(Environment.NewLine, axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
        }
        await using var context = await browser.NewContextAsync(new() { JavaScriptEnabled = false, ViewportSize = new() { Width = 1280, Height = 900 }, BaseURL = world.Address });
        var page = await context.NewPageAsync();

        await page.GotoAsync(DashboardRoutes.Portfolio(DemoSeeder.PortfolioId));
        await page.WaitForURLAsync("**/sign-in?returnUrl=*");
        await ScreenshotAsync(page, "dashboard-sign-in-desktop.png");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with your work account" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Against the survey" }).WaitForAsync();
        Assert.Contains("Signed in as anna@contoso.example (writer)", await page.Locator("header.site").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(world.Address + DashboardRoutes.Portfolio(DemoSeeder.PortfolioId), page.Url);

        var context0 = await page.Locator("p.context").First.InnerTextAsync();
        var day = DateOnly.ParseExact(System.Text.RegularExpressions.Regex.Match(context0, @"As of (\d+ \w+ \d{4})").Groups[1].Value, "d MMM yyyy", CultureInfo.InvariantCulture);
        var metrics = await world.MetricsAsync(day);
        foreach (var rate in metrics.GetProperty("rates").EnumerateObject())
        {
            var value = rate.Value.GetProperty("value");
            Assert.Equal(Show.Share(value.ValueKind == JsonValueKind.Null ? null : value.GetDouble()), await page.Locator($"tr[data-rate='{rate.Name}'] td").Nth(0).InnerTextAsync());
        }

        await page.Locator("tr[data-project] th a").First.ClickAsync();
        await page.Locator("h2#updates").WaitForAsync();
        await page.GetByText("Record where the project stands now").ClickAsync();
        await page.GetByLabel("Percent complete", new() { Exact = true }).FillAsync("77");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post update" }).ClickAsync();
        await page.GetByText("Your progress update is recorded.").WaitForAsync();
        Assert.Equal("77.0%", await page.Locator("dd[data-field='percentComplete']").InnerTextAsync());
        Assert.Contains("anna@contoso.example", await page.Locator("tr[data-update]").First.InnerTextAsync(), StringComparison.Ordinal);
        var projectName = await page.Locator("main h1").InnerTextAsync();

        await SignOutAndGoBackAsync(page, projectName);
    }

    /// <summary>
    /// The everyday actions in Chromium without JavaScript: a writer posts an update from a project's page and sees
    /// its numbers change, sends a bad one and gets it back with the typed value and the field named by its label,
    /// uploads a projects CSV, reads the dry run, confirms and finds the projects; a reader sees no write action and a
    /// write forged with the reader's own session and token is refused (403) with nothing written.
    /// </summary>
    [Fact]
    public async Task AWriterPostsAnUpdateImportsAPmosOwnSheetAndAReaderCannotWrite()
    {
        await using var world = await DemoWorld.StartAsync();
        var writerKey = await world.CreateKeyAsync("writer");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = UpdateFormBrowserTests.ChromiumPath, Headless = true, Args = ChromiumArgs });

        foreach (var (width, height, suffix) in new[] { (1280, 900, "desktop"), (390, 844, "phone") })
        {
            await using var context = await browser.NewContextAsync(new()
            {
                JavaScriptEnabled = false,
                ViewportSize = new() { Width = width, Height = height },
                IsMobile = width < 600,
                BaseURL = world.Address,
            });
            var page = await context.NewPageAsync();
            await SignInAsync(page, writerKey);
            await page.GotoAsync(DashboardRoutes.Portfolio(DemoSeeder.PortfolioId) + "?sort=name&dir=asc");
            var first = page.Locator("tr[data-project] th a").First;
            var projectName = await first.InnerTextAsync();
            await first.ClickAsync();
            await page.GetByRole(AriaRole.Heading, new() { Name = projectName, Level = 1 }).WaitForAsync();
            var projectPath = new Uri(page.Url).AbsolutePath;
            var before = await page.Locator("tr[data-update]").CountAsync();

            // A bad update comes back with the typed value and the field named by its label; nothing is recorded.
            await page.GetByText("Record where the project stands now").ClickAsync();
            await page.GetByLabel("Percent complete", new() { Exact = true }).FillAsync("140");
            await page.GetByRole(AriaRole.Button, new() { Name = "Post update" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Percent complete must be between 0 and 100." }).WaitForAsync();
            Assert.Equal("140", await page.GetByLabel("Percent complete", new() { Exact = true }).InputValueAsync());
            await page.Locator("#post-update").ScrollIntoViewIfNeededAsync();
            await ScreenshotAsync(page, $"dashboard-update-error-{suffix}.png");

            // A good one changes the project's numbers.
            var percent = suffix == "desktop" ? "91" : "93";
            await page.GetByLabel("Percent complete", new() { Exact = true }).FillAsync(percent);
            await page.GetByLabel("RAG status").SelectOptionAsync("amber");
            await page.GetByLabel("Note", new() { Exact = true }).FillAsync($"Posted from the dashboard ({suffix})");
            await page.GetByRole(AriaRole.Button, new() { Name = "Post update" }).ClickAsync();
            await page.GetByText("Your progress update is recorded.").WaitForAsync();
            Assert.Equal($"{percent}.0%", await page.Locator("dd[data-field='percentComplete']").InnerTextAsync());
            Assert.Equal("Amber", await page.Locator("dd[data-field='rag']").InnerTextAsync());
            Assert.Equal(Math.Min(before + 1, DashboardReader.UpdatesShown), await page.Locator("tr[data-update]").CountAsync());
            Assert.Contains($"Posted from the dashboard ({suffix})", await page.Locator("tr[data-update]").First.InnerTextAsync(), StringComparison.Ordinal);

            // A PMO's own sheet: the dry run first, with two headers mapped in the form and one ignored, then the import on confirmation.
            await page.GotoAsync(DashboardRoutes.Portfolio(DemoSeeder.PortfolioId));
            await page.GetByRole(AriaRole.Link, new() { Name = "Import a spreadsheet" }).ClickAsync();
            await page.GetByLabel("Projects: new ones").CheckAsync();
            var csv = "Project ID,Project name,Type,Priority,Project manager,Kick-off,Go-live,Budget (EUR),Sponsor\r\n" +
                $"pilot-{suffix},Copilot pilot {suffix},AI,High,ana@example.com,2026-09-01,2027-03-31,\"€80,000\",COO\r\n" +
                $"portal-{suffix},Partner portal {suffix},CRM,Medium,bo@example.com,2026-10-01,2027-06-30,\"€150,000\",CMO\r\n";
            await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "projects.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
            await page.GetByLabel("Your own column names").FillAsync("Kick-off: startDate\nGo-live: targetDate");
            await page.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();
            await page.GetByText("importing it creates 2, changes 0 and leaves 0 unchanged").WaitForAsync();
            Assert.Equal("F\tKick-off\tstartDate (your mapping)", await page.Locator("tr[data-column='F']").InnerTextAsync());
            Assert.Equal("I\tSponsor\tignored", await page.Locator("tr[data-column='I']").InnerTextAsync());
            await ScreenshotAsync(page, $"dashboard-import-{suffix}.png");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await world.Admin.GetAsync($"/api/portfolios/{DemoSeeder.PortfolioId}/projects/pilot-{suffix}")).StatusCode);
            await page.GetByRole(AriaRole.Button, new() { Name = "Import 2 rows" }).ClickAsync();
            await page.GetByText("Imported: 2 projects created, 0 changed, 0 unchanged.").WaitForAsync();
            Assert.Equal($"Copilot pilot {suffix}", await page.Locator($"tr[data-project='pilot-{suffix}'] th a").InnerTextAsync());
            Assert.Equal($"Partner portal {suffix}", await page.Locator($"tr[data-project='portal-{suffix}'] th a").InnerTextAsync());

            // A reader: no write action on either page, and a write forged with the reader's own session is refused.
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await SignInAsync(page, world.ReaderKey);
            await page.GotoAsync(projectPath);
            Assert.Equal(0, await page.GetByText("Post a progress update").CountAsync());
            Assert.Equal(0, await page.Locator("form[action$='/updates'], form[action$='/details']").CountAsync());
            var token = await page.Locator("input[name='_csrf']").First.GetAttributeAsync("value");
            var updatesBefore = await world.UpdateCountAsync(projectPath);
            var forged = await context.APIRequest.PostAsync(projectPath + "/updates", new()
            {
                Form = context.APIRequest.CreateFormData().Set("_csrf", token!).Set("percentComplete", "5"),
                MaxRedirects = 0,
            });
            Assert.Equal(403, forged.Status);
            Assert.Equal(updatesBefore, await world.UpdateCountAsync(projectPath));
            await page.GotoAsync(DashboardRoutes.Portfolio(DemoSeeder.PortfolioId));
            Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Import a spreadsheet" }).CountAsync());
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await page.GetByText("You are signed out.").WaitForAsync();
        }
    }

    /// <summary>
    /// axe-core finds no violation on any dashboard page or state, at desktop and phone width: sign-in (empty, with an
    /// error, signed out), portfolios (with cards, and empty), the portfolio (whole, trend numbers open, filtered to
    /// nothing), the project (as a reader; as an admin with both forms open, each sent back with errors), the import
    /// (empty, no file chosen, a dry run, a dry run with errors), update requests, access (as it opens, the key form
    /// with errors, a key just created) and the forbidden page: 21 states, 42 checks. Axe runs with JavaScript on (it
    /// is a script); the pages have none.
    /// </summary>
    [Fact]
    public async Task EveryDashboardPageAndStateHasNoAccessibilityViolations()
    {
        await using var world = await DemoWorld.StartAsync();
        var emptyKey = await world.CreateKeyAsync("reader", "p-nothing-here");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = UpdateFormBrowserTests.ChromiumPath, Headless = true, Args = ChromiumArgs });
        var violations = new List<string>();
        var checkedPages = 0;
        foreach (var (width, height) in new[] { (1280, 900), (390, 844) })
        {
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, IsMobile = width < 600, BaseURL = world.Address });
            var page = await context.NewPageAsync();
            async Task CheckAsync(string what)
            {
                var result = await page.RunAxe();
                checkedPages++;
                violations.AddRange(result.Violations.Select(v => $"{what} at {width}px: {v.Id} ({v.Impact}) {v.Help} on {string.Join(", ", v.Nodes.Select(n => n.Target))}"));
            }

            async Task TrySignInAsync(string key)
            {
                await page.GotoAsync(DashboardRoutes.SignIn);
                await page.GetByLabel("API key").FillAsync(key);
                await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            }

            await page.GotoAsync(DashboardRoutes.SignIn);
            await CheckAsync("sign-in");
            await TrySignInAsync("tt_wrong.key");
            await page.GetByText("This key is unknown or revoked.").First.WaitForAsync();
            await CheckAsync("sign-in with an error");
            await TrySignInAsync(emptyKey);
            await page.GetByText("There are no portfolios you can see yet.").WaitForAsync();
            await CheckAsync("portfolios, empty");
            await page.GotoAsync(DashboardRoutes.Portfolio(DemoSeeder.PortfolioId));
            await CheckAsync("forbidden");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await page.GetByText("You are signed out.").WaitForAsync();
            await CheckAsync("signed out");

            await SignInAsync(page, world.ReaderKey);
            await CheckAsync("portfolios");
            await page.GotoAsync(DashboardRoutes.Portfolio(DemoSeeder.PortfolioId));
            await CheckAsync("portfolio");
            await page.Locator("details summary").ClickAsync();
            await CheckAsync("portfolio, trend numbers open");
            await page.GotoAsync(DashboardRoutes.Portfolio(DemoSeeder.PortfolioId) + "?status=cancelled&owner=nobody");
            await CheckAsync("portfolio, no project matching");
            await page.GotoAsync(DashboardRoutes.Portfolio(DemoSeeder.PortfolioId) + "?sort=name&dir=asc");
            await page.Locator("tr[data-project] th a").First.ClickAsync();
            await page.Locator("h2#updates").WaitForAsync();
            await CheckAsync("project");

            // The write actions, as an admin: the project's forms, with errors; the import's steps; access; update requests.
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await SignInAsync(page, AdminKey);
            await page.GotoAsync(DashboardRoutes.Portfolio(DemoSeeder.PortfolioId) + "?sort=name&dir=asc");
            await page.Locator("tr[data-project] th a").First.ClickAsync();
            await page.GetByText("Record where the project stands now").ClickAsync();
            await page.GetByText("Change the name, category").ClickAsync();
            await CheckAsync("project, both forms open");
            await page.GetByLabel("Percent complete", new() { Exact = true }).FillAsync("-1");
            await page.GetByLabel("Spend to date").FillAsync("a lot");
            await page.GetByRole(AriaRole.Button, new() { Name = "Post update" }).ClickAsync();
            await page.GetByText("Nothing was saved.").WaitForAsync();
            await CheckAsync("project, update with errors");
            await page.GetByText("Change the name, category").ClickAsync();
            await page.GetByLabel("Owner").FillAsync("nobody");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save details" }).ClickAsync();
            await page.GetByText("Owner must be an e-mail address").First.WaitForAsync();
            await CheckAsync("project, details with errors");

            await page.GotoAsync(DashboardRoutes.Import(DemoSeeder.PortfolioId));
            await CheckAsync("import");
            await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "bad.csv", MimeType = "text/csv", Buffer = "name,category,startDate\r\nX,blockchain,2026-01-01\r\n"u8.ToArray() });
            await page.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();
            await page.GetByText("so nothing can be imported").WaitForAsync();
            await CheckAsync("import, dry run with errors");
            await page.GotoAsync(DashboardRoutes.Import(DemoSeeder.PortfolioId));
            await page.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();
            await page.GetByText("Choose a CSV file to upload.").First.WaitForAsync();
            await CheckAsync("import, no file chosen");
            await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "ok.csv", MimeType = "text/csv", Buffer = "name,category,startDate,Sponsor\r\nNew one,cloud,2026-01-01,COO\r\n"u8.ToArray() }); // Sponsor: ignored, so the column list is open
            await page.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();
            await page.GetByText("The file is valid").WaitForAsync();
            await CheckAsync("import, dry run");

            await page.GotoAsync(DashboardRoutes.UpdateRequests(DemoSeeder.PortfolioId));
            await CheckAsync("update requests");
            await page.GotoAsync(DashboardRoutes.Access);
            await CheckAsync("access");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
            await page.GetByText("Name is required.").First.WaitForAsync();
            await CheckAsync("access, key form with errors");
            await page.GetByLabel("Name", new() { Exact = true }).First.FillAsync($"Power BI {width}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
            await page.Locator("[data-secret]").WaitForAsync();
            await CheckAsync("access, key created");
        }
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        Assert.Equal(42, checkedPages);
    }

    /// <summary>Signs out; the back button brings back nothing private (pages are no-store and need the session).</summary>
    private static async Task SignOutAndGoBackAsync(IPage page, string privateText)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByText("You are signed out.").WaitForAsync();
        await page.GoBackAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" }).WaitForAsync();
        Assert.DoesNotContain(privateText, await page.ContentAsync(), StringComparison.Ordinal);
    }

    private static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync(DashboardRoutes.SignIn);
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Portfolios", Level = 1 }).WaitForAsync();
    }

    private static async Task<bool> FitsTheWidthAsync(IPage page, string selector)
    {
        var box = await page.Locator(selector).BoundingBoxAsync();
        return box is not null && box.X >= 0 && box.X + box.Width <= page.ViewportSize!.Width;
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var root = RepoRoot.Find();
        var artifacts = Path.Combine(root, "artifacts", "screenshots");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, name), FullPage = !name.Contains("phone", StringComparison.Ordinal) });
        if (Environment.GetEnvironmentVariable("TRACKER_UPDATE_SCREENSHOTS") == "1")
        {
            File.Copy(Path.Combine(artifacts, name), Path.Combine(root, "docs", "screenshots", name), overwrite: true);
        }
    }

    /// <summary>A server with its own Azurite and the demo portfolio, after one ComputeMetrics run (a snapshot of every demo day).</summary>
    private sealed class DemoWorld : IAsyncDisposable
    {
        private DemoWorld(Azurite azurite, TestServer server, HttpClient admin, MockEntra? entra)
        {
            Azurite = azurite;
            Server = server;
            Admin = admin;
            Entra = entra;
        }

        /// <summary>The OpenID Connect provider standing in for Entra ID, when the world was started with one.</summary>
        public MockEntra? Entra { get; }

        public Azurite Azurite { get; }

        public TestServer Server { get; }

        public HttpClient Admin { get; }

        public string Address => Server.Address.ToString().TrimEnd('/');

        public string ReaderKey { get; private set; } = "";

        public string PortfolioName { get; private set; } = "";

        public static async Task<DemoWorld> StartAsync(bool withEntra = false)
        {
            var azurite = await Azurite.StartAsync();
            var entra = withEntra ? await MockEntra.StartAsync() : null;
            var settings = new Dictionary<string, string?>(entra?.Settings ?? new Dictionary<string, string?>()) { ["Tracker:SeedDemoData"] = "true" };
            var server = await TestServer.StartAsync(azurite.ConnectionString, AdminKey, settings);
            var world = new DemoWorld(azurite, server, server.CreateClient(AdminKey), entra);
            // The seeder enqueues a digest run once every project and update is written.
            for (var i = 0; i < 600; i++)
            {
                var runs = await HttpAssert.JsonAsync(await world.Admin.GetAsync("/api/jobs?job=SendDigests"), 200);
                if (runs.GetProperty("items").GetArrayLength() > 0)
                {
                    break;
                }
                await Task.Delay(100);
            }
            await world.RunAsync("ComputeMetrics");
            world.ReaderKey = await world.CreateKeyAsync("reader");
            world.PortfolioName = (await HttpAssert.JsonAsync(await world.Admin.GetAsync($"/api/portfolios/{DemoSeeder.PortfolioId}"), 200)).GetProperty("name").GetString()!;
            return world;
        }

        public async Task<string> CreateKeyAsync(string role, params string[] portfolios)
        {
            var response = await Admin.PostAsJsonAsync("/api/keys", portfolios.Length == 0 ? (object)new { name = "PMO " + role, role } : new { name = "PMO " + role, role, portfolios });
            return (await HttpAssert.JsonAsync(response, 201)).GetProperty("key").GetString()!;
        }

        public async Task<JsonElement> MetricsAsync(DateOnly day) =>
            await HttpAssert.JsonAsync(await Admin.GetAsync($"/api/portfolios/{DemoSeeder.PortfolioId}/metrics?asOf={day:yyyy-MM-dd}"), 200);

        private Task RunAsync(string job) => JobsOverHttp.RunAsync(Admin, job);

        /// <summary>How many updates the project of a page's path (/portfolios/{id}/projects/{projectId}) has, by the API.</summary>
        public async Task<int> UpdateCountAsync(string projectPath)
        {
            var updates = await HttpAssert.JsonAsync(await Admin.GetAsync("/api" + projectPath + "/updates?limit=200"), 200);
            return updates.GetProperty("items").GetArrayLength();
        }

        public async ValueTask DisposeAsync()
        {
            Admin.Dispose();
            await Server.DisposeAsync();
            if (Entra is not null)
            {
                await Entra.DisposeAsync();
            }
            await Azurite.DisposeAsync();
        }
    }
}
