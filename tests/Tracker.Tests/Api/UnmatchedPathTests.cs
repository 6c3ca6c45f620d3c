namespace Tracker.Tests.Api;

/// <summary>
/// Paths that match no route, however they are spelled — encoded slashes, dot segments, double encoding — get the
/// same ProblemDetails 404 as any other unknown path, never a bare 404 without a body.
/// </summary>
[Collection("api")]
public sealed class UnmatchedPathTests(ApiFixture api)
{
    [Theory]
    [InlineData("/api/odata/Updates%2F..%2FPortfolios")]
    [InlineData("/api/odata/Updates%2FPortfolios")]
    [InlineData("/api/odata/Updates%252F..%252FPortfolios")]
    [InlineData("/api/odata/..%2F..%2Fhealth")]
    [InlineData("/api/portfolios/a%2Fb/projects/c%2F..%2Fd/nothing")]
    [InlineData("/api/odata/Updates/%2e%2e%2f")]
    [InlineData("/api/odata/Updates.json")]
    [InlineData("/favicon.ico")]
    public async Task AnUnmatchedPathIsAProblemDetails404(string path)
    {
        var response = await api.Admin.GetAsync(path);
        var problem = await HttpAssert.ProblemAsync(response, 404);
        Assert.Equal("Not found", problem.GetProperty("title").GetString());
    }
}
