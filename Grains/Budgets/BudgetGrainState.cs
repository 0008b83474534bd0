using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Budgets;

/// <summary>
/// The stored state of a <see cref="BudgetGrain"/>: the open reservations by task id, counts of the tasks settled and
/// released, whether the budget was returned, and whether its reminder is registered.
/// </summary>
[GenerateSerializer, Alias("ainur.BudgetGrainState")]
public sealed class BudgetGrainState
{
    /// <summary>Open reservations by task id.</summary>
    [Id(0)]
    public Dictionary<Hash32, BudgetReservation> Reserved { get; set; } = [];

    /// <summary>Tasks whose voucher this node settled.</summary>
    [Id(1)]
    public long Settled { get; set; }

    /// <summary>Tasks whose reservation was released (refunded tasks).</summary>
    [Id(2)]
    public long Released { get; set; }

    /// <summary>The budget's rest went back to its owner: nothing more is reserved or settled.</summary>
    [Id(3)]
    public bool Returned { get; set; }

    /// <summary>The budget's reminder is registered.</summary>
    [Id(4)]
    public bool Reminding { get; set; }
}

/// <summary>A task's reservation: its maxPrice and deadline (Unix ms; past it, a task that was never created never will be).</summary>
[GenerateSerializer, Immutable, Alias("ainur.BudgetReservation")]
public sealed record BudgetReservation([property: Id(0)] long MaxPrice, [property: Id(1)] long Deadline);
