using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Testing;

namespace Tracker.Tests.Api;

/// <summary>
/// Idempotent writes stay exactly-once when storage fails part-way through a request: the outage is injected at the
/// app's own storage transport right after the update row is written, and the client retries with the same key.
/// </summary>
public sealed class OutageIdempotencyTests : IAsyncLifetime
{
    private const string AdminKey = "outage-test-admin-key-0123456789abcdef0123";
    private readonly StorageFaults _faults = new();
    private Azurite _azurite = null!;
    private TestServer _server = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _server = await TestServer.StartAsync(_azurite.ConnectionString, AdminKey,
            new Dictionary<string, string?> { ["Tracker:IdempotencyPendingTimeout"] = "00:00:02", ["Storage:MaxRetries"] = "0" },
            services: s => s.AddSingleton<HttpPipelinePolicy>(_faults));
        _admin = _server.CreateClient(AdminKey);
        await HttpAssert.JsonAsync(await _admin.PostAsJsonAsync("/api/portfolios", new { id = "p-out", name = "Outage" }), 201);
        await HttpAssert.JsonAsync(await _admin.PostAsJsonAsync("/api/portfolios/p-out/projects",
            new { id = "crm", name = "CRM", category = "crm", startDate = "2026-01-05" }), 201);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task AnOutageRightAfterTheRowWriteThenRetriesLeaveExactlyOneRow()
    {
        // Everything fails from the moment the update row is stored: applying it, and recording the answer.
        _faults.StartAfter(m => StorageFaults.Is(m, "POST", "Updates"));
        var first = await PostAsync("outage-1", "first outage");
        await HttpAssert.ProblemAsync(first, 503);
        _faults.End();

        var created = await RetryUntilCreatedAsync("outage-1", "first outage");
        await AssertOneRowAsync("first outage", created.GetProperty("id").GetString()!);
        var project = await HttpAssert.JsonAsync(await _admin.GetAsync("/api/portfolios/p-out/projects/crm"), 200);
        Assert.Equal(42, project.GetProperty("percentComplete").GetDecimal());
    }

    [Fact]
    public async Task AnAnswerThatCouldNotBeRecordedIsRepeatedNotDuplicated()
    {
        // The write and its apply succeed; only storing the answer for replay fails.
        _faults.Fails = m => StorageFaults.Is(m, "PUT", "Idempotency");
        _faults.StartAfter(m => StorageFaults.Is(m, "PUT", "Projects"));
        var first = await HttpAssert.JsonAsync(await PostAsync("outage-2", "answer lost"), 201);
        _faults.End();
        _faults.Fails = _ => true;

        var again = await RetryUntilCreatedAsync("outage-2", "answer lost");
        Assert.Equal(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        await AssertOneRowAsync("answer lost", first.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task AServerErrorOpensTheKeyForAnImmediateRetryWithTheSameIdentity()
    {
        // Applying fails (503) but the claim can still be marked open: the retry needs no wait.
        _faults.Fails = m => StorageFaults.Is(m, "PUT", "Projects");
        _faults.StartAfter(m => StorageFaults.Is(m, "POST", "Updates"));
        await HttpAssert.ProblemAsync(await PostAsync("outage-3", "opened"), 503);
        _faults.End();
        _faults.Fails = _ => true;

        var retry = await HttpAssert.JsonAsync(await PostAsync("outage-3", "opened"), 201);
        await AssertOneRowAsync("opened", retry.GetProperty("id").GetString()!);
    }

    private Task<HttpResponseMessage> PostAsync(string key, string note)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/portfolios/p-out/projects/crm/updates")
        {
            Content = JsonContent.Create(new { reportedAt = "2026-03-02T09:00:00Z", percentComplete = 42, note }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return _admin.SendAsync(request);
    }

    /// <summary>Retries as a well-behaved client does: on 409 "in progress" and 503, after Retry-After.</summary>
    private async Task<JsonElement> RetryUntilCreatedAsync(string key, string note)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var response = await PostAsync(key, note);
            if ((int)response.StatusCode == 201)
            {
                return await HttpAssert.JsonAsync(response, 201);
            }
            Assert.True((int)response.StatusCode is 409 or 503, $"retry answered {(int)response.StatusCode}");
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException("the retries never succeeded");
    }

    private async Task AssertOneRowAsync(string note, string id)
    {
        var history = await HttpAssert.JsonAsync(await _admin.GetAsync("/api/portfolios/p-out/projects/crm/updates?limit=1000"), 200);
        var rows = history.GetProperty("items").EnumerateArray().Where(u => u.GetProperty("note").GetString() == note).ToList();
        var row = Assert.Single(rows);
        Assert.Equal(id, row.GetProperty("id").GetString());
    }
}
