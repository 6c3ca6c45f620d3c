using Tracker.Common;
using Tracker.Mail;
using Tracker.Schedules;

namespace Tracker.Digests;

/// <summary>When a subscription is due: its <see cref="SendPeriod"/>, at sendTime local, every day or on the chosen weekday.</summary>
public static class DigestPeriod
{
    public static SendPeriod Current(SubscriptionEntity subscription, DateTimeOffset now)
    {
        var zone = TimeZones.TryFind(subscription.TimeZone) ?? TimeZoneInfo.Utc;
        var time = SendTimes.TryParse(subscription.SendTime) ?? new TimeOnly(8, 0);
        var weekly = TrackerJson.Parse<Cadence>(subscription.Cadence) == Cadence.Weekly;
        var weekday = TrackerJson.Parse<Weekday>(subscription.Weekday) ?? Weekday.Monday;
        return SendPeriod.Latest(zone, time, weekly ? SendPeriod.Weekly(weekday) : _ => true, now);
    }
}
