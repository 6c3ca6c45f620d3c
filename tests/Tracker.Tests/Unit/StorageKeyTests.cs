using Microsoft.Extensions.Time.Testing;
using Tracker.Api;
using Tracker.Common;
using Tracker.Portfolios;

namespace Tracker.Tests.Unit;

public sealed class StorageKeyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void UpdateRowKeysSortNewestReportedFirstThenLastRecordedFirst()
    {
        var older = UpdateStore.RowKey(T0.AddTicks(-1), T0.AddDays(5), "a");
        var newer = UpdateStore.RowKey(T0.AddTicks(1), T0, "b");
        var tieRecordedFirst = UpdateStore.RowKey(T0, T0.AddDays(1), "c");
        var tieRecordedLast = UpdateStore.RowKey(T0, T0.AddDays(2), "d");
        string[] expected = [newer, tieRecordedLast, tieRecordedFirst, older];
        Assert.Equal(expected, expected.OrderBy(k => k, StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void TheRowKeyRangeSelectsExactlyTheHalfOpenInterval()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var reported = T0.AddSeconds(random.Next(-100, 100));
            var from = T0.AddSeconds(random.Next(-100, 100));
            var to = from.AddSeconds(random.Next(0, 100));
            var key = UpdateStore.RowKey(reported, T0, "x");
            var inRange = string.CompareOrdinal(key, UpdateStore.RowKeyBefore(to)) >= 0 && string.CompareOrdinal(key, UpdateStore.RowKeyBefore(from)) < 0;
            Assert.Equal(reported >= from && reported < to, inRange);
        }
    }

    [Fact]
    public void AnOutOfOrderUpdateChangesOnlyFieldsNoNewerUpdateSet()
    {
        var project = new ProjectEntity { PercentComplete = 0, Spend = 0, Budget = 100, Priority = "low" };
        project.Apply(new UpdateEntity { RowKey = "n", ReportedAt = T0.AddDays(10), PercentComplete = 60, Priority = "high" }, T0);
        project.Apply(new UpdateEntity { RowKey = "o", ReportedAt = T0, PercentComplete = 30, Budget = 150, Priority = "medium" }, T0);

        Assert.Equal(60, project.PercentComplete);
        Assert.Equal("high", project.Priority);
        Assert.Equal(150, project.Budget);
        Assert.Equal(T0.AddDays(10), project.LastUpdateAt);
        Assert.Equal("n", project.LastUpdateKey);
    }

    [Fact]
    public void ApplyingTheSameUpdateTwiceChangesNothingMore()
    {
        var project = new ProjectEntity();
        var update = new UpdateEntity { RowKey = "k", ReportedAt = T0, PercentComplete = 40, Spend = 10 };
        project.Apply(update, T0);
        var once = (project.PercentComplete, project.Spend, project.LastUpdateAt, project.LastUpdateKey);
        project.Apply(update, T0);
        Assert.Equal(once, (project.PercentComplete, project.Spend, project.LastUpdateAt, project.LastUpdateKey));
    }

    [Fact]
    public void ContinuationTokensBelongToTheirQuery()
    {
        var token = Paging.Encode("NextPartitionKey=a NextRowKey=b", "projects|p1|active", Key);
        Assert.NotNull(token);
        Assert.Null(Paging.Encode(null, "anything", Key));
        var ok = Paging.From(Request($"continuationToken={Uri.EscapeDataString(token!)}"), "projects|p1|active", Key);
        Assert.Equal("NextPartitionKey=a NextRowKey=b", ok.StorageToken);
        Assert.Equal(Paging.DefaultLimit, ok.Limit);
        var problem = Assert.Throws<ApiProblemException>(() => Paging.From(Request($"continuationToken={Uri.EscapeDataString(token!)}"), "projects|p2|active", Key));
        Assert.Equal(400, problem.Status);
        Assert.Equal(400, Assert.Throws<ApiProblemException>(() => Paging.From(Request("limit=0"), "q", Key)).Status);
        Assert.Equal(400, Assert.Throws<ApiProblemException>(() => Paging.From(Request("limit=1001"), "q", Key)).Status);
    }

    /// <summary>A token whose storage part is replaced, or that another deployment signed, is refused.</summary>
    [Fact]
    public void ForgedOrForeignContinuationTokensAreRefused()
    {
        var token = Paging.Encode("NextPartitionKey=a NextRowKey=b", "q", Key)!;
        var payload = System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[0]);
        var altered = System.Text.Encoding.UTF8.GetString(payload).Replace("NextRowKey=b", "NextRowKey=z", StringComparison.Ordinal);
        var forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(altered)) + "." + token.Split('.')[1];
        var foreign = Paging.Encode("NextPartitionKey=a NextRowKey=b", "q", [.. Key.Select(b => (byte)(b ^ 1))])!;
        foreach (var bad in new[] { forged, foreign, token.Split('.')[0], token + "x" })
        {
            var problem = Assert.Throws<ApiProblemException>(() => Paging.From(Request($"continuationToken={Uri.EscapeDataString(bad)}"), "q", Key));
            Assert.Equal(400, problem.Status);
        }
    }

    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public void IdsFromTheFakeClockStayValidAcrossTheYears()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2099, 12, 31, 23, 59, 59, TimeSpan.Zero));
        Assert.True(Ids.IsValid(new Ids(time).New()));
    }

    private static Microsoft.AspNetCore.Http.HttpRequest Request(string query)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?" + query);
        return context.Request;
    }

    [Fact]
    public void AColumnFilterEscapesItsValueAndTakesOnlyAColumnNameAndAnOperator()
    {
        Assert.Equal("Status eq 'on''hold'", Tracker.Storage.KeyFilter.Column(nameof(Tracker.Portfolios.ProjectEntity.Status), "eq", "on'hold"));
        Assert.Equal("Active eq true", Tracker.Storage.KeyFilter.Column("Active", "eq", true));
        Assert.Throws<ArgumentException>(() => Tracker.Storage.KeyFilter.Column("Status or true", "eq", "x"));
        Assert.Throws<ArgumentException>(() => Tracker.Storage.KeyFilter.Column("Status", "eq true or Status", "x"));
    }
}
