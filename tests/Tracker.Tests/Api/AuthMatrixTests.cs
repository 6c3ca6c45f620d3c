using System.Net.Http.Headers;
using Tracker.Api;
using Tracker.Testing;

namespace Tracker.Tests.Api;

/// <summary>
/// Every route of the table against every kind of caller — none, API keys and Entra ID tokens of each role, a token
/// without a Tracker role, a key and a token limited to another portfolio — on the server: a caller without
/// credentials gets 401, one whose role is below the route's or whose scope excludes the route's portfolio gets 403,
/// and every other caller gets past the gate (whatever the handler then answers, never 401 or 403).
/// </summary>
[Collection("entra")]
public sealed class AuthMatrixTests(EntraFixture fixture)
{
    private sealed record CallerKind(string Name, Role? Role, bool Scoped, Func<HttpRequestMessage, Task> Sign);

    [Fact]
    public async Task EveryRouteAdmitsExactlyTheCallersItsRoleAndScopeAllow()
    {
        var other = await fixture.PortfolioAsync("p-matrix-other");
        var grantee = Guid.NewGuid().ToString();
        (await fixture.Admin.PostAsync("/api/grants", HttpAssert.Json($$"""{"principalId":"{{grantee}}","principalType":"user","portfolios":["{{other}}"]}"""))).EnsureSuccessStatusCode();
        var kinds = new List<CallerKind> { new("nobody", null, false, _ => Task.CompletedTask) };
        foreach (var role in new[] { Role.Reader, Role.Writer, Role.Admin })
        {
            var name = role.ToString().ToLowerInvariant();
            var key = await CreateKeyAsync(name);
            kinds.Add(new($"{name} key", role, false, r => Header(r, "x-api-key", key)));
            var token = await fixture.Entra.TokenAsync([$"Tracker.{role}"]);
            kinds.Add(new($"{name} token", role, false, r => Bearer(r, token)));
        }
        var scopedKey = await CreateKeyAsync("admin", other);
        kinds.Add(new("admin key for another portfolio", Role.Admin, true, r => Header(r, "x-api-key", scopedKey)));
        var scopedToken = await fixture.Entra.TokenAsync(["Tracker.Admin"], oid: grantee);
        kinds.Add(new("admin token granted another portfolio", Role.Admin, true, r => Bearer(r, scopedToken)));
        var roleless = await fixture.Entra.TokenAsync(["Other.Role"]);
        kinds.Add(new("token without a Tracker role", 0, false, r => Bearer(r, roleless)));

        using var client = fixture.Server.CreateClient();
        var failures = new List<string>();
        foreach (var route in RouteTable.All.Where(r => r.Role is not null))
        {
            foreach (var path in RouteSamples.All(route.Template))
            {
                foreach (var kind in kinds)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(route.Method), path) { Content = route.Method == "POST" ? HttpAssert.Json("{}") : null };
                    await kind.Sign(request);
                    var status = (int)(await client.SendAsync(request)).StatusCode;
                    var expected = kind.Role is null ? 401
                        : kind.Role < route.Role || (kind.Scoped && route.Parameters.Contains("portfolioId")) ? 403
                        : (int?)null;
                    if (expected is { } e ? status != e : status is 401 or 403)
                    {
                        failures.Add($"{route.Name} {route.Method} {path} as {kind.Name}: {status}, expected {expected?.ToString() ?? "past the gate"}");
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private async Task<string> CreateKeyAsync(string role, params string[] portfolios)
    {
        var body = portfolios.Length == 0 ? $$"""{"name":"matrix","role":"{{role}}"}""" : $$"""{"name":"matrix","role":"{{role}}","portfolios":["{{portfolios[0]}}"]}""";
        var response = await fixture.Admin.PostAsync("/api/keys", HttpAssert.Json(body));
        response.EnsureSuccessStatusCode();
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
    }

    private static Task Header(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Add(name, value);
        return Task.CompletedTask;
    }

    private static Task Bearer(HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Task.CompletedTask;
    }
}
