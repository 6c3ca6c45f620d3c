using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Tracker.Testing;

namespace Tracker.Tests.Api;

/// <summary>
/// Generated bad input across every route: malformed JSON, wrong types, extreme numbers and dates, invalid ids and
/// time zones, headers, tokens, OData options, paths. Each answer must be a 4xx ProblemDetails (never a 5xx), and
/// storage must be exactly as it was — checked after every case.
/// </summary>
public sealed class BadInputSuiteTests : IAsyncLifetime
{
    private const string AdminKey = "bad-input-admin-key-0123456789abcdef01234";
    private const string P = "p-bad";
    private const string Q = "q-bad";
    private Azurite _azurite = null!;
    private TestServer _server = null!;
    private HttpClient _admin = null!;
    private string _etag = "";

    public sealed record Case(string Name, string Method, string Target, string? Body = null, string ContentType = "application/json",
        (string Name, string Value)[]? Headers = null, bool Raw = false);

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _server = await TestServer.StartAsync(_azurite.ConnectionString, AdminKey);
        _admin = _server.CreateClient(AdminKey);
        await HttpAssert.JsonAsync(await _admin.PostAsJsonAsync("/api/portfolios", new { id = P, name = "Bad input", timeZone = "Europe/Amsterdam" }), 201);
        await HttpAssert.JsonAsync(await _admin.PostAsJsonAsync($"/api/portfolios/{P}/projects",
            new { id = Q, name = "Target", category = "crm", startDate = "2026-01-05", budget = 1000 }), 201);
        await HttpAssert.JsonAsync(await _admin.PostAsJsonAsync($"/api/portfolios/{P}/projects/{Q}/updates", new { percentComplete = 10, note = "seed" }), 201);
        await HttpAssert.JsonAsync(await _admin.PostAsJsonAsync($"/api/portfolios/{P}/subscriptions",
            new { email = "owner@example.com", cadence = "weekly", weekday = "monday" }), 201);
        // Lists create the token signing key on first use: make it now, so that no case is blamed for it.
        await HttpAssert.JsonAsync(await _admin.GetAsync("/api/portfolios?limit=1"), 200);
        await HttpAssert.JsonAsync(await _admin.GetAsync("/api/odata/Baselines"), 200);
        var project = await _admin.GetAsync($"/api/portfolios/{P}/projects/{Q}");
        _etag = project.Headers.ETag!.ToString();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task EveryBadInputIsA4xxProblemAndChangesNothing()
    {
        var cases = Cases().ToList();
        Assert.True(cases.Count >= 300, $"only {cases.Count} cases");
        var failures = new List<string>();
        var before = await SnapshotAsync();
        foreach (var c in cases)
        {
            var (status, contentType, body) = await SendAsync(c);
            if (status is < 400 or >= 500)
            {
                failures.Add($"{c.Name}: {c.Method} {c.Target} answered {status}: {Shorten(body)}");
                before = await SnapshotAsync();
                continue;
            }
            if (contentType?.StartsWith("application/problem+json", StringComparison.Ordinal) != true || !IsProblem(body, status))
            {
                failures.Add($"{c.Name}: {status} is not a ProblemDetails ({contentType}): {Shorten(body)}");
                continue;
            }
            var after = await SnapshotAsync();
            if (after != before)
            {
                failures.Add($"{c.Name}: storage changed");
                before = after;
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed:\n" + string.Join("\n", failures));
    }

    private IEnumerable<Case> Cases()
    {
        var jsonRoutes = new (string Route, string Method, string ContentType, Dictionary<string, string> Good)[]
        {
            ("/api/portfolios", "POST", "application/json", new() { ["id"] = "\"p-new\"", ["name"] = "\"N\"", ["owner"] = "\"a@example.com\"", ["timeZone"] = "\"UTC\"", ["currency"] = "\"EUR\"" }),
            ($"/api/portfolios/{P}", "PATCH", "application/merge-patch+json", new() { ["name"] = "\"N\"", ["owner"] = "\"a@example.com\"", ["timeZone"] = "\"UTC\"", ["currency"] = "\"EUR\"" }),
            ($"/api/portfolios/{P}/projects", "POST", "application/json", new()
            {
                ["id"] = "\"q-new\"", ["name"] = "\"N\"", ["category"] = "\"ai\"", ["status"] = "\"active\"", ["priority"] = "\"high\"", ["owner"] = "\"a@example.com\"",
                ["startDate"] = "\"2026-01-01\"", ["targetDate"] = "\"2026-12-01\"", ["budget"] = "100", ["spend"] = "1", ["percentComplete"] = "1", ["customerEngagement"] = "true",
            }),
            ($"/api/portfolios/{P}/projects/{Q}", "PATCH", "application/merge-patch+json", new()
            {
                ["name"] = "\"N\"", ["category"] = "\"ai\"", ["owner"] = "\"a@example.com\"", ["startDate"] = "\"2026-01-01\"", ["targetDate"] = "\"2026-12-01\"", ["customerEngagement"] = "true",
            }),
            ($"/api/portfolios/{P}/projects/{Q}/updates", "POST", "application/json", new()
            {
                ["reportedAt"] = "\"2026-03-02T09:00:00Z\"", ["percentComplete"] = "50", ["spend"] = "10", ["budget"] = "2000", ["priority"] = "\"high\"",
                ["status"] = "\"active\"", ["rag"] = "\"green\"", ["note"] = "\"n\"",
            }),
            ("/api/keys", "POST", "application/json", new() { ["name"] = "\"K\"", ["role"] = "\"reader\"", ["portfolios"] = $"[\"{P}\"]" }),
            ($"/api/portfolios/{P}/subscriptions", "POST", "application/json", new()
            {
                ["email"] = "\"s@example.com\"", ["cadence"] = "\"weekly\"", ["weekday"] = "\"monday\"", ["sendTime"] = "\"08:00\"", ["timeZone"] = "\"Europe/Amsterdam\"",
            }),
        };

        string[] malformed = ["{", "[]", "null", "\"text\"", "42", "{\"name\":}", "{'name':'x'}", "{\"name\":\"x\",}", "{\"name\":\"x\"} trailing",
            "\u0000", new string('[', 2000), "{\"name\":\"x\" /* comment */}", "{\"name\":\"\\ud800\"}", "{\"name\":\"x\",\"name\":\"y\",\"unknownField\":1}"];
        foreach (var (route, method, contentType, _) in jsonRoutes)
        {
            foreach (var (body, i) in malformed.Select((b, i) => (b, i)))
            {
                yield return new Case($"malformed#{i}", method, route, body, contentType);
            }
            yield return new Case("wrong media type", method, route, "{}", "text/plain");
            yield return new Case("xml", method, route, "<name>x</name>", "application/xml");
            yield return new Case("empty body", method, route, "", contentType);
        }

        string[] wrongValues = ["123", "true", "{}", "[1,2]", "\"\"", "\"   \"", "1e400", "-1", "\"NaN\"", "\"" + new string('x', 3000) + "\"", "\"2026-13-45\"", "\"Yesterday\""];
        foreach (var (route, method, contentType, good) in jsonRoutes)
        {
            foreach (var field in good.Keys)
            {
                foreach (var value in wrongValues.Where(v => IsWrongFor(field, v)))
                {
                    var fields = new Dictionary<string, string>(good) { [field] = value };
                    var body = "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
                    yield return new Case($"{field}={Shorten(value, 12)}", method, route, body, contentType,
                        method == "PATCH" ? [("If-Match", _etag)] : null);
                }
            }
        }

        // Extremes of numbers and dates, invalid ids, zones, currencies, addresses.
        foreach (var (field, value) in new[]
        {
            ("budget", "1e30"), ("budget", "-0.01"), ("spend", "1000000000000.01"), ("percentComplete", "100.0001"), ("percentComplete", "-1"),
            ("startDate", "\"0000-01-01\""), ("startDate", "\"10000-01-01\""), ("startDate", "\"2026-02-30\""), ("targetDate", "\"2025-01-01\""),
            ("id", "\"UPPER\""), ("id", "\"-lead\""), ("id", "\"" + new string('a', 64) + "\""), ("id", "\"has space\""), ("id", "\"ümlaut\""), ("id", "\"x/y\""),
            ("owner", "\"not-an-address\""), ("owner", "\"a@b\""),
        })
        {
            var body = $"{{\"name\":\"N\",\"category\":\"ai\",\"startDate\":\"2026-01-01\",\"{field}\":{value}}}".Replace($"\"startDate\":\"2026-01-01\",\"startDate\"", "\"startDate\"");
            yield return new Case($"project {field}={Shorten(value, 12)}", "POST", $"/api/portfolios/{P}/projects", body);
        }
        foreach (var (field, value) in new[]
        {
            ("reportedAt", "\"0001-01-01T00:00:00Z\""), ("reportedAt", "\"9999-12-31T23:59:59Z\""), ("reportedAt", "\"2026-03-02T09:00:00\""),
            ("reportedAt", "\"1999-12-31T23:59:59Z\""), ("reportedAt", "\"2026-03-02\""), ("percentComplete", "1e308"), ("spend", "-5"), ("budget", "79228162514264337593543950336"),
        })
        {
            yield return new Case($"update {field}={Shorten(value, 12)}", "POST", $"/api/portfolios/{P}/projects/{Q}/updates", $"{{\"note\":\"x\",\"{field}\":{value}}}");
        }
        foreach (var zone in new[] { "Mars/Olympus", "CET", "Europe/Amsterdam2", "europe/amsterdam", "W. Europe Standard Time", "../../etc/passwd" })
        {
            yield return new Case($"timeZone {zone}", "POST", "/api/portfolios", $"{{\"name\":\"N\",\"timeZone\":\"{zone}\"}}");
            yield return new Case($"subscription timeZone {zone}", "POST", $"/api/portfolios/{P}/subscriptions",
                $"{{\"email\":\"s@example.com\",\"cadence\":\"daily\",\"timeZone\":\"{zone}\"}}");
        }
        foreach (var currency in new[] { "eur", "EURO", "E1R", "€" })
        {
            yield return new Case($"currency {currency}", "POST", "/api/portfolios", $"{{\"name\":\"N\",\"currency\":\"{currency}\"}}");
        }

        // Path ids that can't exist, and unmatched paths.
        // (A NUL in the path, %00, is refused by Kestrel itself with a bare 400 before any application code runs.)
        foreach (var id in new[] { "UPPER", "nope", new string('a', 300), "a%2Fb", "%E2%80%AE", "..%2F..%2Fetc" })
        {
            yield return new Case($"portfolio id {Shorten(id, 10)}", "GET", $"/api/portfolios/{id}");
            yield return new Case($"project id {Shorten(id, 10)}", "GET", $"/api/portfolios/{P}/projects/{id}");
            yield return new Case($"update into {Shorten(id, 10)}", "POST", $"/api/portfolios/{P}/projects/{id}/updates", "{\"note\":\"x\"}");
            yield return new Case($"key id {Shorten(id, 10)}", "DELETE", $"/api/keys/{id}");
            yield return new Case($"subscription id {Shorten(id, 10)}", "DELETE", $"/api/portfolios/{P}/subscriptions/{id}");
            yield return new Case($"job {Shorten(id, 10)}", "POST", $"/api/jobs/{id}:run", "{}");
        }
        foreach (var path in new[] { "/api/portfolios/..", $"/api/portfolios/{P}/projects/../updates", "/api/../api/portfolios/x/y/z/w", "/api/", "/api/odata/Projects/1/2" })
        {
            yield return new Case($"raw path {path}", "GET", path, Raw: true);
        }
        foreach (var method in new[] { "PUT", "TRACE", "PATCH" })
        {
            yield return new Case($"{method} on a list", method, "/api/portfolios", "{}");
        }

        // Query parameters.
        foreach (var list in new[] { "/api/portfolios", $"/api/portfolios/{P}/projects", $"/api/portfolios/{P}/projects/{Q}/updates", "/api/keys", "/api/jobs",
            $"/api/portfolios/{P}/subscriptions", $"/api/portfolios/{P}/metrics/history" })
        {
            foreach (var query in new[] { "limit=0", "limit=-1", "limit=1001", "limit=abc", "limit=1.5", "limit=99999999999", "continuationToken=garbage",
                "continuationToken=djIKYWJjCk5leHQ", "continuationToken=" + new string('x', 5000) })
            {
                yield return new Case($"{query}", "GET", $"{list}?{query}");
            }
        }
        foreach (var query in new[] { "status=Active", "status=done", "category=Cloud", "category=blockchain", "priority=urgent", "priority=HIGH" })
        {
            yield return new Case(query, "GET", $"/api/portfolios/{P}/projects?{query}");
        }
        foreach (var query in new[] { "from=2026-02-30", "from=yesterday", "to=2026-03-02T09:00:00", "from=2026-03-02&to=2026-03-01", "to=+999999-01-01", "from=2026-3-2" })
        {
            yield return new Case(query, "GET", $"/api/portfolios/{P}/projects/{Q}/updates?{query}");
        }
        foreach (var query in new[] { "asOf=2999-01-01", "asOf=0001-01-01", "asOf=tomorrow", "asOf=2026-02-30" })
        {
            yield return new Case(query, "GET", $"/api/portfolios/{P}/metrics?{query}");
            yield return new Case(query, "GET", $"/api/portfolios/{P}/projects/{Q}/metrics?{query}");
        }
        yield return new Case("cadence=monthly", "POST", $"/api/portfolios/{P}/digests:preview?cadence=monthly", "{}");
        yield return new Case("cadence=Weekly", "POST", $"/api/portfolios/{P}/digests:preview?cadence=Weekly", "{}");

        // Headers: keys, idempotency, conditions.
        foreach (var key in new[] { "garbage", "tt_x.y", new string('k', 5000), "" })
        {
            yield return new Case($"api key {Shorten(key, 8)}", "GET", "/api/portfolios", Headers: [("x-api-key", key)]);
            yield return new Case($"code {Shorten(key, 8)}", "GET", $"/api/odata/Projects?code={Uri.EscapeDataString(key)}", Headers: [("x-api-key", "")]);
        }
        foreach (var idem in new[] { new string('i', 300), "has space", "tab\there" })
        {
            yield return new Case($"Idempotency-Key {Shorten(idem, 8)}", "POST", $"/api/portfolios/{P}/projects/{Q}/updates", "{\"note\":\"x\"}",
                Headers: [("Idempotency-Key", idem)]);
        }
        yield return new Case("Idempotency-Key non-ASCII", "POST", $"/api/portfolios/{P}/projects/{Q}/updates", Headers: [("x-api-key", AdminKey), ("Idempotency-Key", "clé")], Raw: true);
        foreach (var ifMatch in new[] { "garbage", "W/", "*x", "null", "\"a", "\"\"", "\"nope\"", "W/\"datetime'2001-01-01T00%3A00%3A00Z'\"" })
        {
            yield return new Case($"PATCH If-Match {ifMatch}", "PATCH", $"/api/portfolios/{P}/projects/{Q}", "{\"name\":\"Changed\"}", "application/merge-patch+json",
                [("If-Match", ifMatch)]);
            yield return new Case($"DELETE If-Match {ifMatch}", "DELETE", $"/api/portfolios/{P}", Headers: [("If-Match", ifMatch)]);
        }
        yield return new Case("If-Match non-ASCII", "DELETE", $"/api/portfolios/{P}/projects/{Q}", Headers: [("x-api-key", AdminKey), ("If-Match", "\"ü\"")], Raw: true);

        // The feed's options.
        foreach (var query in new[]
        {
            "$filter=Name eq", "$filter=Nope eq 1", "$filter=contains(Name,'x')", "$filter=Budget add 1 gt 2", "$filter=Name in ('a')", "$filter='unterminated",
            "$top=-1", "$top=abc", "$top=99999999999", "$skip=-5", "$orderby=Nope", "$orderby=Name sideways", "$select=Nope", "$expand=Portfolio",
            "$search=x", "$apply=groupby((Name))", "$count=maybe", "$skiptoken=forged", "$skiptoken=" + new string('s', 3000), "$format=xml",
            "$filter=Name eq 'a'&$filter=Name eq 'b'", "$filter=StartDate eq 2026-02-30",
        })
        {
            yield return new Case($"odata {Shorten(query, 24)}", "GET", $"/api/odata/Projects?{query}");
            yield return new Case($"odata count {Shorten(query, 24)}", "GET", $"/api/odata/Projects/$count?{query}");
        }
        yield return new Case("odata unknown set", "GET", "/api/odata/Nope");
        yield return new Case("odata unknown set count", "GET", "/api/odata/Nope/$count");
    }

    /// <summary>Whether a wrong value is wrong for this field (a string is right for a text field, and so on).</summary>
    private static bool IsWrongFor(string field, string value)
    {
        var text = field is "name" or "owner" or "note" or "id" or "email";
        var number = field is "budget" or "spend" or "percentComplete";
        return value switch
        {
            "true" => field != "customerEngagement",
            "123" => !number,
            "\"\"" or "\"   \"" => field is not "note",
            "\"NaN\"" or "\"2026-13-45\"" => !text || field is "owner" or "email",
            "\"Yesterday\"" => !text || field is "owner" or "email" or "id",
            "1e400" or "-1" => true,
            _ => true,
        };
    }

    private async Task<(int Status, string? ContentType, string Body)> SendAsync(Case c)
    {
        if (c.Raw)
        {
            var raw = await RawHttp.SendAsync(_server.Address, c.Method, c.Target, c.Headers ?? [("x-api-key", AdminKey)]);
            var type = raw.Headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?[13..].Trim();
            return (raw.Status, type, raw.Body);
        }
        var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Target);
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(c.Body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
        }
        foreach (var (name, value) in c.Headers ?? [])
        {
            if (name == "x-api-key")
            {
                request.Headers.Remove("x-api-key");
            }
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var client = _server.CreateClient(c.Headers?.Any(h => h.Name == "x-api-key") == true ? null : AdminKey);
        var response = await client.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every row of every table of the account, by key and ETag, as one hash.</summary>
    private async Task<string> SnapshotAsync()
    {
        var service = new TableServiceClient(_azurite.ConnectionString);
        var text = new StringBuilder();
        await foreach (var item in service.QueryAsync())
        {
            var table = item.Name;
            await foreach (var row in service.GetTableClient(table).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                text.Append(table).Append('|').Append(row.PartitionKey).Append('|').Append(row.RowKey).Append('|').Append(row.ETag).Append('\n');
            }
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static bool IsProblem(string body, int status)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            return root.GetProperty("status").GetInt32() == status && root.TryGetProperty("title", out _) && root.TryGetProperty("detail", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string text, int max = 160) => text.Length <= max ? text : text[..max] + "…";
}
