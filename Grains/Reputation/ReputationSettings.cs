namespace Ainur.Grains.Reputation;

/// <summary>
/// Reputation's runtime configuration, built by the silo host from <c>Ainur:Reputation</c>. <see cref="Replica"/> is
/// the slot this cluster increments in every agent's counter: unique per replica that counts on its own (a region's
/// cluster), the same on every silo of one cluster, and never reused by another cluster, or merges lose counts.
/// </summary>
public sealed class ReputationSettings
{
    /// <summary>This cluster's replica id (default: the cluster's ServiceId).</summary>
    public required string Replica { get; init; }
}
