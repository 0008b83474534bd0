using Ainur.Protocol.Discovery;

namespace Ainur.Silo.Hosting;

/// <summary>The <c>Ainur:Discovery</c> section: presence and routing.</summary>
public sealed class DiscoveryOptions
{
    /// <summary>A remote agent silent this long (no feed poll, no heartbeat) is absent and gets no new tasks. Default 60 s.</summary>
    public TimeSpan PresenceTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Lowest cosine similarity of a need to a capability that counts as a match (0 to 1). Default 0.3.</summary>
    public double Threshold { get; set; } = Routing.DefaultThreshold;

    /// <summary>How many of the best-ranked agents compete on load (least tasks in flight). Default 3.</summary>
    public int TopFew { get; set; } = Routing.DefaultTopFew;

    /// <summary>Query embeddings each silo caches. Default 10,000.</summary>
    public int QueryCacheSize { get; set; } = 10_000;

    /// <summary>What is wrong with these settings, if anything.</summary>
    public IEnumerable<string> Problems()
    {
        if (PresenceTtl <= TimeSpan.Zero)
        {
            yield return "Ainur:Discovery:PresenceTtl must be positive.";
        }

        if (Threshold is < 0 or > 1 || double.IsNaN(Threshold))
        {
            yield return "Ainur:Discovery:Threshold must lie between 0 and 1.";
        }

        if (TopFew < 1)
        {
            yield return "Ainur:Discovery:TopFew must be at least 1.";
        }

        if (QueryCacheSize < 1)
        {
            yield return "Ainur:Discovery:QueryCacheSize must be at least 1.";
        }
    }
}
