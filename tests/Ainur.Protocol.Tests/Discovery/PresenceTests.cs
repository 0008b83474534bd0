using Ainur.Protocol.Discovery;
using Microsoft.Extensions.Time.Testing;

namespace Ainur.Protocol.Tests.Discovery;

public sealed class PresenceTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);

    [Fact]
    public void IsPresent_RemoteAgent_UntilTheTtlPassesSinceItWasLastSeen()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var seen = clock.GetUtcNow();
        Assert.True(Presence.IsPresent(PresenceSource.Remote, seen, clock.GetUtcNow(), Ttl));
        clock.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        Assert.True(Presence.IsPresent(PresenceSource.Remote, seen, clock.GetUtcNow(), Ttl));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(Presence.IsPresent(PresenceSource.Remote, seen, clock.GetUtcNow(), Ttl));
        Assert.True(Presence.IsPresent(PresenceSource.Remote, clock.GetUtcNow(), clock.GetUtcNow(), Ttl));
    }

    [Fact]
    public void IsPresent_NeverSeenRemote_IsAbsent_HostedIsPresent()
    {
        var now = DateTimeOffset.UnixEpoch;
        Assert.False(Presence.IsPresent(PresenceSource.Remote, null, now, Ttl));
        Assert.True(Presence.IsPresent(PresenceSource.Hosted, null, now, Ttl));
    }
}
