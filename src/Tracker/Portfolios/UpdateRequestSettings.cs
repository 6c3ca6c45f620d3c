using System.Text.Json;
using System.Text.Json.Serialization;
using Tracker.Api;
using Tracker.Common;

using Tracker.Schedules;

namespace Tracker.Portfolios;

/// <summary>How often project owners are asked for their progress.</summary>
public enum RequestCadence
{
    Weekly,
    EveryDays,
}

/// <summary>
/// A portfolio's update-request settings (its <c>updateRequests</c> field): absent or <c>enabled: false</c> is off.
/// sendTime is local to the portfolio's time zone; weekday only for weekly, everyDays (1-90) only for everyDays.
/// </summary>
public sealed record UpdateRequestSettings
{
    public bool Enabled { get; init; }

    public RequestCadence? Cadence { get; init; }

    public Weekday? Weekday { get; init; }

    public int? EveryDays { get; init; }

    public string? SendTime { get; init; }

    /// <summary>Days in one period: a project with no update for this long needs one.</summary>
    [JsonIgnore]
    public int PeriodDays => Cadence == RequestCadence.EveryDays ? EveryDays ?? 7 : 7;

    public void Validate(Validation v, string field) => v
        .Require(Cadence is not null, field + ".cadence", "cadence is required: weekly or everyDays.")
        .Require(Cadence != RequestCadence.Weekly || Weekday is not null, field + ".weekday", "weekday is required for weekly requests (monday ... sunday).")
        .Require(Cadence == RequestCadence.Weekly || Weekday is null, field + ".weekday", "weekday is only for weekly requests.")
        .Require(Cadence != RequestCadence.EveryDays || EveryDays is >= 1 and <= 90, field + ".everyDays", "everyDays must be a whole number of days from 1 to 90.")
        .Require(Cadence == RequestCadence.EveryDays || EveryDays is null, field + ".everyDays", "everyDays is only for cadence everyDays.")
        .Require(SendTime is null || SendTimes.TryParse(SendTime) is not null, field + ".sendTime", "sendTime must be a local time HH:mm, such as 09:00.");

    /// <summary>
    /// The current period: it starts at the latest send moment at or before now — sendTime on the weekday, or on every
    /// everyDays-th day counted from 1 January 0001 (so periods do not move when the settings are saved again).
    /// </summary>
    public SendPeriod Period(TimeZoneInfo zone, DateTimeOffset now)
    {
        var time = SendTimes.TryParse(SendTime ?? "") ?? new TimeOnly(9, 0);
        return Cadence == RequestCadence.EveryDays
            ? SendPeriod.Latest(zone, time, SendPeriod.EveryDays(PeriodDays), now)
            : SendPeriod.Latest(zone, time, SendPeriod.Weekly(Weekday ?? Schedules.Weekday.Monday), now);
    }

    public string ToJson() => JsonSerializer.Serialize(this, TrackerJson.Options);

    public static UpdateRequestSettings? FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<UpdateRequestSettings>(json, TrackerJson.Options);
}
