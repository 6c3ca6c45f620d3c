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

            // Sign out; the back button brings back nothing private (pages are no-store and need the session).
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await page.GetByText("You are signed out.").WaitForAsync();
            await page.GoBackAsync();
            await page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" }).WaitForAsync();
            Assert.DoesNotContain(projectName, await page.ContentAsync(), StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// axe-core finds no violation on any dashboard page or state, at desktop and phone width: sign-in (empty, with an
    /// error, signed out), portfolios (with cards, and empty), the portfolio (whole, filtered to nothing, a later
    /// page), the project, and the forbidden page. Axe runs with JavaScript on (it is a script); the pages have none.
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

            async Task SignInAsync(string key)
            {
                await page.GotoAsync(DashboardRoutes.SignIn);
                await page.GetByLabel("API key").FillAsync(key);
                await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            }

            await page.GotoAsync(DashboardRoutes.SignIn);
            await CheckAsync("sign-in");
            await SignInAsync("tt_wrong.key");
            await page.GetByText("This key is unknown or revoked.").First.WaitForAsync();
            await CheckAsync("sign-in with an error");
            await SignInAsync(emptyKey);
            await page.GetByText("There are no portfolios you can see yet.").WaitForAsync();
            await CheckAsync("portfolios, empty");
            await page.GotoAsync(DashboardRoutes.Portfolio(DemoSeeder.PortfolioId));
            await CheckAsync("forbidden");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await page.GetByText("You are signed out.").WaitForAsync();
            await CheckAsync("signed out");

            await SignInAsync(world.ReaderKey);
            await page.GetByRole(AriaRole.Heading, new() { Name = "Portfolios", Level = 1 }).WaitForAsync();
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
        }
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        Assert.Equal(20, checkedPages);
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
        private DemoWorld(Azurite azurite, TestServer server, HttpClient admin)
        {
            Azurite = azurite;
            Server = server;
            Admin = admin;
        }

        public Azurite Azurite { get; }

        public TestServer Server { get; }

        public HttpClient Admin { get; }

        public string Address => Server.Address.ToString().TrimEnd('/');

        public string ReaderKey { get; private set; } = "";

        public string PortfolioName { get; private set; } = "";

        public static async Task<DemoWorld> StartAsync()
        {
            var azurite = await Azurite.StartAsync();
            var server = await TestServer.StartAsync(azurite.ConnectionString, AdminKey, new Dictionary<string, string?> { ["Tracker:SeedDemoData"] = "true" });
            var world = new DemoWorld(azurite, server, server.CreateClient(AdminKey));
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

        public async ValueTask DisposeAsync()
        {
            Admin.Dispose();
            await Server.DisposeAsync();
            await Azurite.DisposeAsync();
        }
    }
}
