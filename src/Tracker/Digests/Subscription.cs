using System.Globalization;
using Tracker.Api;
using Tracker.Common;
using Tracker.Mail;
using Tracker.Schedules;
using Tracker.Storage;

namespace Tracker.Digests;

/// <summary>A digest subscription on the wire: sendTime is local time in timeZone; weekday only for weekly.</summary>
public sealed record Subscription(
    string Id, string PortfolioId, string Email, Cadence Cadence, Weekday? Weekday, string SendTime, string TimeZone, bool Active,
    DateTimeOffset CreatedAt);

public sealed record CreateSubscriptionRequest : IRequestBody
{
    public string? Email { get; init; }

    public Cadence? Cadence { get; init; }

    public Weekday? Weekday { get; init; }

    public string? SendTime { get; init; }

    public string? TimeZone { get; init; }

    public bool? Active { get; init; }

    public void Validate(Validation v, DateTimeOffset now) => v
        .Email("email", Email, required: true)
        .Require(Cadence is not null, "cadence", "cadence is required: daily or weekly.")
        .Require(Cadence != Schedules.Cadence.Weekly || Weekday is not null, "weekday", "weekday is required for a weekly digest (monday ... sunday).")
        .Require(Cadence != Schedules.Cadence.Daily || Weekday is null, "weekday", "weekday is only for weekly digests.")
        .Require(SendTime is null || SendTimes.TryParse(SendTime) is not null, "sendTime", "sendTime must be a local time HH:mm, such as 08:00.")
        .TimeZone("timeZone", TimeZone);
}

/// <summary>The stored row: PartitionKey the portfolio id, RowKey the subscription id.</summary>
public sealed class SubscriptionEntity : TableRow
{
    public string Email { get; set; } = "";

    public string Cadence { get; set; } = "";

    public string? Weekday { get; set; }

    public string SendTime { get; set; } = "08:00";

    public string TimeZone { get; set; } = "UTC";

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? UnsubscribedAt { get; set; }

    public Subscription ToApi() => new(
        Id: RowKey,
        PortfolioId: PartitionKey,
        Email: Email,
        Cadence: TrackerJson.Parse<Cadence>(Cadence) ?? Schedules.Cadence.Weekly,
        Weekday: TrackerJson.Parse<Weekday>(Weekday),
        SendTime: SendTime,
        TimeZone: TimeZone,
        Active: Active,
        CreatedAt: CreatedAt);
}
