using Tracker.Jobs;
using Tracker.Metrics;
using Tracker.Testing;

namespace Tracker.Tests.Jobs;

/// <summary>
/// Several instances over one storage account: the blob lease and JobRuns make a due job run once; with the scheduler
/// the hosts also run the queue consumer, so a run finishes only when its queue has been worked off.
/// </summary>
public sealed class SchedulerTests
{
    // 30 s after the 02:00 UTC occurrence of the default MetricsSchedule "0 0 2 * * *".
    private static readonly DateTimeOffset JustAfterTwo = new(2026, 3, 2, 2, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset Occurrence = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TwoRunnersGivenTheSameOccurrenceRunItOnce()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var a = await JobHost.StartAsync(azurite.ConnectionString, JustAfterTwo);
        await using var b = await JobHost.StartAsync(azurite.ConnectionString, JustAfterTwo);
        await a.AddPortfolioAsync("p-one");

        var results = await Task.WhenAll(a.RunMetricsAsync("schedule", Occurrence), b.RunMetricsAsync("schedule", Occurrence));

        Assert.Single(results, r => r is not null);
        Assert.Equal(JobOutcome.Succeeded, results.Single(r => r is not null)!.Outcome);
        Assert.Null(await a.RunMetricsAsync("schedule", Occurrence));
        Assert.Null(await b.RunMetricsAsync("schedule", Occurrence));
        Assert.Single(await RunsAsync(a));
    }

    [Fact]
    public async Task AManualRunWaitsForNoOccurrenceButNotForALock()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = await JobHost.StartAsync(azurite.ConnectionString, JustAfterTwo);
        Assert.NotNull(await host.RunMetricsAsync("manual"));
        Assert.NotNull(await host.RunMetricsAsync("manual"));
        Assert.Equal(2, (await RunsAsync(host)).Count);
    }

    [Fact]
    public async Task TwoSchedulersCatchUpAMissedRunOnceAndThenRunEachOccurrenceOnce()
    {
        await using var azurite = await Azurite.StartAsync();
        JobRun[] runs;
        {
            // Both instances start after 02:00 with no run recorded: the missed occurrence is caught up, once.
            await using var a = await JobHost.StartAsync(azurite.ConnectionString, JustAfterTwo, scheduler: true);
            await using var b = await JobHost.StartAsync(azurite.ConnectionString, JustAfterTwo, scheduler: true);
            await WaitForAsync(a, 1);
            runs = [.. await RunsAsync(a)];
            Assert.Equal("catchUp", runs[0].Trigger);
            Assert.Equal(Occurrence, runs[0].ScheduledFor);

            // A day later both wake for the next occurrence; one runs it.
            a.Time.Advance(TimeSpan.FromDays(1));
            b.Time.Advance(TimeSpan.FromDays(1));
            await WaitForAsync(a, 2);
            await Task.Delay(TimeSpan.FromSeconds(2)); // room for a wrong second run to show up
            runs = [.. await RunsAsync(a)];
        }
        Assert.Equal(2, runs.Length);
        Assert.Equal("schedule", runs[0].Trigger);
        Assert.Equal(Occurrence.AddDays(1), runs[0].ScheduledFor);
        Assert.All(runs, r => Assert.Equal(JobOutcome.Succeeded, r.Outcome));

        // An instance started later the same day finds the occurrence covered and runs nothing.
        await using var c = await JobHost.StartAsync(azurite.ConnectionString, JustAfterTwo.AddDays(1).AddHours(3), scheduler: true);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(2, (await RunsAsync(c)).Count);
    }

    [Fact]
    public void TheLastOccurrenceIsFoundForDailyAndSecondlySchedules()
    {
        var daily = NCrontab.CrontabSchedule.Parse("0 0 2 * * *", new() { IncludingSeconds = true });
        Assert.Equal(Occurrence, JobScheduler.LastOccurrence(daily, JustAfterTwo));
        Assert.Equal(Occurrence.AddDays(-1), JobScheduler.LastOccurrence(daily, Occurrence.AddSeconds(-1)));
        var hourly = NCrontab.CrontabSchedule.Parse("0 0 * * * *", new() { IncludingSeconds = true });
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero), JobScheduler.LastOccurrence(hourly, JustAfterTwo));
    }

    private static Task<IReadOnlyList<JobRun>> RunsAsync(JobHost host) => host.RunsAsync(ComputeMetricsJob.JobName);

    private static async Task WaitForAsync(JobHost host, int finishedRuns)
    {
        for (var i = 0; i < 300; i++)
        {
            var runs = await RunsAsync(host);
            if (runs.Count(r => r.Outcome != JobOutcome.Running) >= finishedRuns)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"fewer than {finishedRuns} finished runs after 30 s");
    }
}
