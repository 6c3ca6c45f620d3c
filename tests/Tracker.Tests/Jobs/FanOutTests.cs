using System.Globalization;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Jobs;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Testing;
using static Tracker.Tests.Unit.MetricsEngineTests;

namespace Tracker.Tests.Jobs;

/// <summary>
/// The daily jobs fanned out on Azurite's queue service: one message per portfolio, processed by one or two consumers
/// (two app instances over one storage account), retried on its own, and moved to the poison queue when it keeps failing.
/// </summary>
public sealed class FanOutTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 3, 2);

    [Fact]
    public async Task FiftyPortfoliosByTwoConsumersAtOnceGiveTheSnapshotsOfOneConsumer()
    {
        await using var single = await Azurite.StartAsync();
        await using var shared = await Azurite.StartAsync();
        await using var alone = await SeededHostAsync(single, 50);
        await using var a = await SeededHostAsync(shared, 50);
        await using var b = await JobHost.StartAsync(shared.ConnectionString, Now);

        var one = await alone.RunMetricsAsync();

        var job = a.Get<ComputeMetricsJob>();
        var run = (await a.Get<JobRunner>().EnqueueAsync(job, "manual", null, default))!;
        Assert.Equal(new RunProgress(50, 50, 0, 0, 0), run.Portfolios);
        var taken = await Task.WhenAll(a.Get<JobQueueConsumer>().DrainAsync(job, default), b.Get<JobQueueConsumer>().DrainAsync(job, default));
        var two = (await a.Get<JobRunner>().FindAsync(job.Name, run.Id, default))!;

        // Each portfolio once: 50 messages taken between the two consumers, both of which took some.
        Assert.Equal(50, taken.Sum());
        Assert.All(taken, t => Assert.True(t > 0, $"a consumer took {t} messages"));
        Assert.Equal(JobOutcome.Succeeded, two.Outcome);
        Assert.Equal(new RunProgress(50, 0, 50, 0, 0), two.Portfolios);
        Assert.Equal(one!.Counts, two.Counts);
        Assert.Equal(new JobCounts(50, 50, 100), two.Counts);
        var items = await a.Table(JobRunPortfolioStore.Name).QueryAsync<JobRunPortfolioEntity>(e => e.PartitionKey == run.Id).ToListAsync();
        Assert.All(items, i => Assert.Equal((WorkState.Completed, 1), (i.WorkState, i.Attempts)));
        Assert.Equal(await alone.SnapshotRowsAsync(), await a.SnapshotRowsAsync());
    }

    [Fact]
    public async Task APortfolioThatAlwaysFailsEndsInThePoisonQueueAndTheOthersComplete()
    {
        await using var azurite = await Azurite.StartAsync();
        // Every read of p-bad's projects fails (a storage error only that portfolio meets), before and after the retries.
        var faults = new StorageFaults
        {
            Fails = m => StorageFaults.Is(m, "GET", "Projects") && Uri.UnescapeDataString(m.Request.Uri.Query).Contains("PartitionKey eq 'p-bad'", StringComparison.Ordinal),
        };
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, Now,
            settings: new Dictionary<string, string?> { ["Jobs:Queues:MaxDequeueCount"] = "3" },
            services: s => s.AddSingleton<HttpPipelinePolicy>(faults));
        await SeedAsync(host, 49);
        await host.AddPortfolioAsync("p-bad");
        await host.AddProjectAsync("p-bad", Project(id: "bad", updates: [U("2026-02-20T00:00:00", percent: 20)]));
        faults.StartAfter(_ => true);

        var run = (await host.RunMetricsAsync())!;

        Assert.Equal(JobOutcome.Failed, run.Outcome);
        Assert.Equal(new RunProgress(50, 0, 49, 0, 1), run.Portfolios);
        var failure = Assert.Single(run.Failures);
        Assert.Equal(("p-bad", WorkState.Failed, 3), (failure.PortfolioId, failure.State, failure.Attempts));
        Assert.Contains("injected storage outage", failure.Error);
        Assert.Contains("p-bad", run.Error);
        Assert.Equal(49, run.Counts.Portfolios);
        var snapshots = host.Get<Snapshots>();
        Assert.Null(await snapshots.FindPortfolioAsync("p-bad", Today, default));
        Assert.NotNull(await snapshots.FindPortfolioAsync("p-049", Today, default));

        var poison = new QueueClient(azurite.ConnectionString, ComputeMetricsJob.QueueName + JobQueues.PoisonSuffix, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var message = Assert.Single((await poison.PeekMessagesAsync(10)).Value);
        Assert.Equal(("p-bad", run.Id), (PortfolioWork.Parse(message.Body)!.PortfolioId, PortfolioWork.Parse(message.Body)!.RunId));
        Assert.Equal(0, (await new QueueClient(azurite.ConnectionString, ComputeMetricsJob.QueueName).GetPropertiesAsync()).Value.ApproximateMessagesCount);

        // GET /api/jobs reads the same: the finished run's row says which portfolio failed, and its failure stays listed.
        var listed = (await host.RunsAsync(ComputeMetricsJob.JobName)).Single();
        Assert.Equal((JobOutcome.Failed, 1), (listed.Outcome, listed.Failures.Count));
    }

    [Fact]
    public async Task AMessageDeliveredTwiceChangesNothing()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await SeededHostAsync(azurite, 2);
        var job = host.Get<ComputeMetricsJob>();
        var run = (await host.Get<JobRunner>().EnqueueAsync(job, "manual", null, default))!;
        var queue = new QueueClient(azurite.ConnectionString, ComputeMetricsJob.QueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var first = (await queue.PeekMessagesAsync(1)).Value.Single();

        Assert.Equal(2, await host.Get<JobQueueConsumer>().DrainAsync(job, default));
        var before = await host.SnapshotRowsAsync(withTimestamps: true);
        var values = await host.SnapshotRowsAsync();
        var done = (await host.Get<JobRunner>().FindAsync(job.Name, run.Id, default))!;

        // The queue delivers the same message again (at least once): taken, found done, deleted; nothing written.
        await queue.SendMessageAsync(first.Body);
        Assert.Equal(1, await host.Get<JobQueueConsumer>().DrainAsync(job, default));
        Assert.Equal(before, await host.SnapshotRowsAsync(withTimestamps: true));
        var after = (await host.Get<JobRunner>().FindAsync(job.Name, run.Id, default))!;
        Assert.Equal((done.Outcome, done.Counts, done.Portfolios, done.FinishedAt), (after.Outcome, after.Counts, after.Portfolios, after.FinishedAt));

        // And if both deliveries were worked on (the second before the first was recorded), the work itself writes the
        // same snapshots again.
        Assert.Equal(new JobCounts(1, 1, 2), await job.ProcessAsync(PortfolioWork.Parse(first.Body)!, default));
        Assert.Equal(values, await host.SnapshotRowsAsync());
    }

    private static async Task<JobHost> SeededHostAsync(Azurite azurite, int portfolios)
    {
        var host = await JobHost.StartAsync(azurite.ConnectionString, Now);
        await SeedAsync(host, portfolios);
        return host;
    }

    /// <summary>Portfolios p-001.. with two projects each, different per portfolio.</summary>
    private static async Task SeedAsync(JobHost host, int portfolios)
    {
        for (var i = 1; i <= portfolios; i++)
        {
            var id = "p-" + i.ToString("000", CultureInfo.InvariantCulture);
            await host.AddPortfolioAsync(id);
            await host.AddProjectAsync(id, Project(id: "cloud", updates: [U("2026-02-20T00:00:00", percent: i % 100)]));
            await host.AddProjectAsync(id, Project(id: "crm", category: Category.Crm, target: "2026-02-01", updates: [U("2026-02-25T00:00:00", percent: 30, spend: 100 * i)]));
        }
    }
}
