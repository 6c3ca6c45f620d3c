using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Tracker.Tests.Api;

namespace Tracker.Tests.UpdateRequests;

/// <summary>
/// A project owner's side, in headless Chromium (Debian's, driven by Playwright) with JavaScript off: the mail maildev
/// received, its button, the form filled by label and sent, the thank-you page, and the update through the API.
/// Screenshots go to artifacts/screenshots (and to docs/ with TRACKER_UPDATE_SCREENSHOTS=1).
/// </summary>
public sealed class UpdateFormBrowserTests
{
    public const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task AnOwnerOpensTheLinkFromTheMailFillsTheFormAndTheApiShowsTheUpdate()
    {
        await using var world = await RequestWorld.StartAsync();
        await HttpAssert.JsonAsync(await world.Admin.PostAsync("/api/portfolios/p-req/update-requests:send", null), 200);
        var mail = (await world.MailsAsync())["ana@example.com"].Single();

        using var playwright = await Playwright.CreateAsync();
        // This machine's network is closed: without the background-networking flags Chromium keeps trying Google's hosts.
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await using var desktop = await browser.NewContextAsync(new() { JavaScriptEnabled = false, ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await desktop.NewPageAsync();
        await page.SetContentAsync((mail.HtmlBody ?? "").Replace(RequestWorld.PublicBaseUrl, world.Server.Address.ToString().TrimEnd('/'), StringComparison.Ordinal));
        await ScreenshotAsync(page, "update-request-mail.png");

        await page.GetByRole(AriaRole.Link, new() { Name = "Update Alpha migration" }).ClickAsync();
        await page.WaitForURLAsync("**/api/update-form?token=**");
        Assert.Equal("40", await page.GetByLabel("Percent complete").InputValueAsync());
        Assert.Equal("green", await page.GetByLabel("RAG status").InputValueAsync());
        await ScreenshotAsync(page, "update-form-desktop.png");

        await page.GetByLabel("Percent complete").FillAsync("62");
        await page.GetByLabel("Spend to date").FillAsync("18000");
        await page.GetByLabel("RAG status").SelectOptionAsync("amber");
        await page.GetByLabel("Note").FillAsync("Cut-over moved to April");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send update" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Thank you" }).WaitForAsync();
        Assert.Contains("62%", await page.ContentAsync());

        var newest = (await HttpAssert.JsonAsync(await world.Admin.GetAsync("/api/portfolios/p-req/projects/alpha/updates"), 200)).GetProperty("items")[0];
        Assert.Equal((62m, 18000m, "amber", "ana@example.com"),
            (newest.GetProperty("percentComplete").GetDecimal(), newest.GetProperty("spend").GetDecimal(), newest.GetProperty("rag").GetString(), newest.GetProperty("reportedBy").GetString()));

        // On a phone, by keyboard only: the form fits the width, and Enter in a field sends it.
        await using var phone = await browser.NewContextAsync(new() { JavaScriptEnabled = false, ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var small = await phone.NewPageAsync();
        await small.GotoAsync(world.FormLink(mail, "Beta CRM"));
        Assert.True(await FitsTheWidthAsync(small), "the form is wider than a phone");
        await ScreenshotAsync(small, "update-form-phone.png");
        await small.GetByLabel("Percent complete").FocusAsync();
        await small.Keyboard.PressAsync("Control+A");
        await small.Keyboard.TypeAsync("15");
        var answer = await small.RunAndWaitForResponseAsync(() => small.Keyboard.PressAsync("Enter"), r => r.Request.Method == "POST");
        Assert.Equal(200, answer.Status);
        await small.GetByRole(AriaRole.Heading, new() { Name = "Thank you" }).WaitForAsync();
        Assert.Equal(1, await world.UpdateCountAsync("beta"));
    }

    /// <summary>
    /// axe-core (Deque.AxeCore.Playwright) finds no violation on what a person sees on this path — the update-request
    /// mail, the form, the form with errors, the thank-you page, and the portfolio's digest — at desktop and at phone
    /// width. Axe runs in a context with JavaScript on (it is a script); the pages themselves need none.
    /// </summary>
    [Fact]
    public async Task TheMailsTheFormAndItsAnswersHaveNoAccessibilityViolationsAtDesktopAndPhoneWidths()
    {
        await using var world = await RequestWorld.StartAsync();
        await HttpAssert.JsonAsync(await world.Admin.PostAsync("/api/portfolios/p-req/update-requests:send", null), 200);
        var mail = (await world.MailsAsync())["ana@example.com"].Single();
        var digest = (await HttpAssert.JsonAsync(await world.Admin.PostAsync("/api/portfolios/p-req/digests:preview?cadence=weekly", null), 200))
            .GetProperty("html").GetString()!;
        var mailHtml = (mail.HtmlBody ?? "").Replace(RequestWorld.PublicBaseUrl, world.Server.Address.ToString().TrimEnd('/'), StringComparison.Ordinal);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var violations = new List<string>();
        foreach (var (width, height) in new[] { (1280, 900), (390, 844) })
        {
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, IsMobile = width < 600 });
            var page = await context.NewPageAsync();
            async Task CheckAsync(string what)
            {
                var result = await page.RunAxe();
                violations.AddRange(result.Violations.Select(v => $"{what} at {width}px: {v.Id} ({v.Impact}) {v.Help} on {string.Join(", ", v.Nodes.Select(n => n.Target))}"));
            }

            await page.SetContentAsync(mailHtml);
            await CheckAsync("update-request mail");
            await page.SetContentAsync(digest);
            await CheckAsync("digest");
            await page.GotoAsync(world.FormLink(mail, "Alpha migration"));
            await CheckAsync("update form");
            await page.GetByLabel("Percent complete").FillAsync("250");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send update" }).ClickAsync();
            await page.GetByLabel("Percent complete").WaitForAsync();
            await CheckAsync("update form with errors");
            await page.GetByLabel("Percent complete").FillAsync(width < 600 ? "45" : "44");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send update" }).ClickAsync();
            await page.GetByRole(AriaRole.Heading, new() { Name = "Thank you" }).WaitForAsync();
            await CheckAsync("thank-you page");
        }
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    /// <summary>The page's content and its submit button lie within the viewport's width (no sideways scrolling on a phone).</summary>
    private static async Task<bool> FitsTheWidthAsync(IPage page)
    {
        foreach (var element in new[] { page.Locator("main"), page.GetByRole(AriaRole.Button, new() { Name = "Send update" }), page.GetByLabel("Note") })
        {
            var box = await element.BoundingBoxAsync();
            if (box is null || box.X < 0 || box.X + box.Width > page.ViewportSize!.Width)
            {
                return false;
            }
        }
        return true;
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var root = Testing.RepoRoot.Find();
        var artifacts = Path.Combine(root, "artifacts", "screenshots");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, name), FullPage = true });
        if (Environment.GetEnvironmentVariable("TRACKER_UPDATE_SCREENSHOTS") == "1")
        {
            File.Copy(Path.Combine(artifacts, name), Path.Combine(root, "docs", name), overwrite: true);
        }
    }
}
