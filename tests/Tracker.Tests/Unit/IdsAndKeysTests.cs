using Microsoft.Extensions.Time.Testing;
using Tracker.Common;
using Tracker.Security;

namespace Tracker.Tests.Unit;

public sealed class IdsAndKeysTests
{
    [Fact]
    public void IdsSortByCreationTimeAndAreValidClientIds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var ids = new Ids(time);
        var previous = ids.New();
        for (var i = 0; i < 200; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            var next = ids.New();
            Assert.True(string.CompareOrdinal(previous, next) < 0, $"{previous} !< {next}");
            Assert.True(Ids.IsValid(next));
            Assert.Equal(26, next.Length);
            previous = next;
        }
    }

    [Fact]
    public void IdsAtTheSameMillisecondDiffer()
    {
        var ids = new Ids(new FakeTimeProvider());
        var all = Enumerable.Range(0, 1000).Select(_ => ids.New()).ToHashSet();
        Assert.Equal(1000, all.Count);
    }

    [Theory]
    [InlineData("p-emea", true)]
    [InlineData("crm-consolidation", true)]
    [InlineData("0", true)]
    [InlineData("", false)]
    [InlineData("-leading-dash", false)]
    [InlineData("Upper", false)]
    [InlineData("has space", false)]
    [InlineData("slash/inside", false)]
    [InlineData("quote'inside", false)]
    [InlineData("a-very-long-id-that-goes-on-and-on-beyond-sixty-three-characters-x", false)]
    public void ClientIdsAreLowerCaseUrlSafeAndShort(string id, bool valid) => Assert.Equal(valid, Ids.IsValid(id));

    [Fact]
    public void AKeyRoundTripsThroughItsPartsAndOnlyItsSecretVerifies()
    {
        var secret = KeySecrets.NewSecret();
        var key = KeySecrets.Compose("01abc", secret);
        Assert.True(KeySecrets.TryParse(key, out var id, out var parsed));
        Assert.Equal("01abc", id);
        Assert.Equal(secret, parsed);

        var (salt, hash) = KeySecrets.Hash(secret);
        Assert.True(KeySecrets.Verify(secret, salt, hash));
        Assert.False(KeySecrets.Verify(secret + "x", salt, hash));
        Assert.False(KeySecrets.Verify(secret, KeySecrets.Hash(secret).Salt, hash));
    }

    [Fact]
    public void TheSameSecretHashesDifferentlyWithEachSalt()
    {
        var secret = KeySecrets.NewSecret();
        Assert.NotEqual(KeySecrets.Hash(secret).Hash, KeySecrets.Hash(secret).Hash);
    }

    [Theory]
    [InlineData("tt_")]
    [InlineData("tt_id_")]
    [InlineData("tt__secret")]
    [InlineData("xx_id_secret")]
    public void MalformedKeysDoNotParse(string presented) => Assert.False(KeySecrets.TryParse(presented, out _, out _));

    [Fact]
    public void TheBootstrapKeyMatchesOnlyItself()
    {
        var bootstrap = new BootstrapKey("configured-secret");
        Assert.True(bootstrap.Matches("configured-secret"));
        Assert.False(bootstrap.Matches("configured-secreT"));
        Assert.False(new BootstrapKey(null).Matches(""));
    }
}
