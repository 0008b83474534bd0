namespace Ainur.Grains.Interfaces;

/// <summary>Names of the grain storage providers, in one place so grains, silo and tests agree.</summary>
public static class AinurStores
{
    /// <summary>Agent identity documents and manifests.</summary>
    public const string Agents = "agents";

    /// <summary>Small, rarely written ledger settings of grains (a validator's operator switch). Blocks have their own store.</summary>
    public const string Ledger = "ledger";

    /// <summary>Storage for Orleans' stream pub/sub bookkeeping.</summary>
    public const string PubSub = "PubSubStore";
}
