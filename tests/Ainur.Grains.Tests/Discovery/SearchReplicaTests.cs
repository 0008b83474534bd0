using System.Collections.Immutable;
using Ainur.Grains.Discovery;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Protocol.Identity;
using Microsoft.Extensions.Time.Testing;

namespace Ainur.Grains.Tests.Discovery;

/// <summary>
/// The staleness rule of a silo's kept shard answers: used only under the directory epoch and domain version they were
/// kept under, and only until the first present remote agent in them reaches the end of its presence. Fake time.
/// </summary>
public sealed class SearchReplicaTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryGet_SameEpochAndVersion_Kept_OtherDomainsChangesDoNotMatter()
    {
        var replica = new SearchReplica(_clock);
        var view = View(("text", 3), ("audio", 1));
        var hits = ImmutableArray.Create(Hit(present: true, seenAgo: TimeSpan.Zero));
        replica.Keep(view, "text", "q", 5, hits);

        Assert.Equal(hits, replica.TryGet(view, "text", "q", 5));
        Assert.Equal(hits, replica.TryGet(view with { Versions = view.Versions.SetItem("audio", 2) }, "text", "q", 5));
        Assert.Null(replica.TryGet(view, "text", "q", 6));
        Assert.Null(replica.TryGet(view, "text", "other", 5));
    }

    [Fact]
    public void TryGet_DomainVersionMoved_OrNewEpoch_NotUsed()
    {
        var replica = new SearchReplica(_clock);
        var view = View(("text", 3));
        replica.Keep(view, "text", "q", 5, [Hit(present: false, seenAgo: null)]);

        Assert.Null(replica.TryGet(view with { Versions = view.Versions.SetItem("text", 4) }, "text", "q", 5));
        Assert.Null(replica.TryGet(view with { Epoch = Guid.NewGuid() }, "text", "q", 5));
    }

    [Fact]
    public void TryGet_PresentAgentsPresenceEnds_NotUsedFromThen()
    {
        var replica = new SearchReplica(_clock);
        var view = View(("text", 1));
        replica.Keep(view, "text", "q", 5, [Hit(present: true, seenAgo: TimeSpan.FromSeconds(50)), Hit(present: true, seenAgo: TimeSpan.Zero)]);

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.NotNull(replica.TryGet(view, "text", "q", 5));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(replica.TryGet(view, "text", "q", 5));
    }

    [Fact]
    public void TryGet_OnlyAbsentOrHostedAgents_NoTimeLimit()
    {
        var replica = new SearchReplica(_clock);
        var view = View(("text", 1));
        replica.Keep(view, "text", "q", 5, [Hit(present: false, seenAgo: null), Hit(present: true, seenAgo: null)]);

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.NotNull(replica.TryGet(view, "text", "q", 5));
    }

    private static DiscoveryDirectoryView View(params (string Domain, long Version)[] versions) =>
        new(Guid.NewGuid(), versions.ToImmutableDictionary(v => v.Domain, v => v.Version));

    /// <summary>A hit; <paramref name="seenAgo"/> null is a hosted agent when present (no end to its presence).</summary>
    private DiscoveryHit Hit(bool present, TimeSpan? seenAgo)
    {
        using var key = AgentKey.Generate();
        DateTimeOffset? until = present && seenAgo is { } ago ? _clock.GetUtcNow() - ago + Ttl : null;
        return new DiscoveryHit(key.Did, "a", "text.summarize", "Summarizes.", 5, 0.8f, present, until);
    }
}
