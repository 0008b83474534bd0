namespace Ainur.Grains.Interfaces;

/// <summary>Names of the grain storage providers, in one place so grains, silo and tests agree.</summary>
public static class AinurStores
{
    /// <summary>Agent identity documents and manifests.</summary>
    public const string Agents = "agents";

    /// <summary>Small, rarely written ledger settings of grains (a validator's operator switch). Blocks have their own store.</summary>
    public const string Ledger = "ledger";

    /// <summary>Tasks: every transition of the task state machine (hot path: group-committed).</summary>
    public const string Tasks = "tasks";

    /// <summary>Escrow holds of tasks (hot path: group-committed).</summary>
    public const string Escrows = "escrows";

    /// <summary>Budgets' reservations for the tasks they pay (hot path: group-committed; concurrent reservations share a write).</summary>
    public const string Budgets = "budgets";

    /// <summary>Reputation counters of agents (hot path: group-committed).</summary>
    public const string Reputation = "reputation";

    /// <summary>Storage for Orleans' stream pub/sub bookkeeping.</summary>
    public const string PubSub = "PubSubStore";
}
