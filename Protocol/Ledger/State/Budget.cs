using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Ledger.State;

/// <summary>Where a budget stands. Byte values are part of the state root and never change.</summary>
public enum BudgetStatus : byte
{
    /// <summary>Vouchers may settle and the owner may top it up until the expiry height.</summary>
    Open = 1,

    /// <summary>The owner closed it: no top-ups, no new reservations; vouchers given may still settle until expiry, and it may be returned at once.</summary>
    Closing = 2,

    /// <summary>Its rest went back to the owner; nothing more can settle on it or be added to it.</summary>
    Returned = 3,
}

/// <summary>
/// A budget of <paramref name="Owner"/>'s credits that its vouchers spend: <paramref name="Remaining"/> is what it
/// still holds (what counts towards the supply; 0 once returned), <paramref name="Spent"/> what its vouchers paid so
/// far (payees and fees), <paramref name="ExpiryHeight"/> the last block height at which a voucher may settle on it.
/// Budgets stay in the state after they are returned, so a budget id is usable once.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Budget")]
public sealed record Budget(
    [property: Id(0)] Did Owner,
    [property: Id(1)] long Remaining,
    [property: Id(2)] long ExpiryHeight,
    [property: Id(3)] BudgetStatus Status,
    [property: Id(4)] long Spent);
