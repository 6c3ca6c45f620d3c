using Tracker.Common;

namespace Tracker.Tests.Unit;

public sealed class TimeTests
{
    [Fact]
    public void ADayStartsAtLocalMidnightWithTheOffsetInForceThen()
    {
        var amsterdam = TimeZones.TryFind("Europe/Amsterdam")!;
        // 29 March 2026: clocks go from 02:00 CET to 03:00 CEST; midnight is still CET (+01:00).
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.FromHours(1)), LocalTime.StartOfDay(new DateOnly(2026, 3, 29), amsterdam));
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 0, 0, 0, TimeSpan.FromHours(2)), LocalTime.StartOfDay(new DateOnly(2026, 3, 30), amsterdam));
        // 25 October 2026: back to CET; that day is 25 hours long.
        var day = LocalTime.StartOfDay(new DateOnly(2026, 10, 26), amsterdam) - LocalTime.StartOfDay(new DateOnly(2026, 10, 25), amsterdam);
        Assert.Equal(TimeSpan.FromHours(25), day);
    }

    [Fact]
    public void AMidnightSkippedByDaylightSavingStartsTheDayAtTheFirstValidMinute()
    {
        // Havana moves its clocks from 00:00 to 01:00 on the second Sunday of March.
        var havana = TimeZones.TryFind("America/Havana")!;
        var start = LocalTime.StartOfDay(new DateOnly(2026, 3, 8), havana);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 5, 0, 0, TimeSpan.Zero), start.ToUniversalTime());
        Assert.False(havana.IsInvalidTime(start.DateTime));
    }

    [Theory]
    [InlineData("Europe/Amsterdam", true)]
    [InlineData("America/New_York", true)]
    [InlineData("UTC", true)]
    [InlineData("Mars/Olympus", false)]
    [InlineData("CET", false)]
    [InlineData("W. Europe Standard Time", false)]
    [InlineData("", false)]
    public void OnlyIanaTimeZonesAreAccepted(string id, bool known) => Assert.Equal(known, TimeZones.TryFind(id) is not null);
}
