using System.Collections.Immutable;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Interfaces.Tasks;

/// <summary>
/// A task's money on the ledger (key: the task id in hex): its payment and its dispute bond. Each command is identified
/// by what it acts on (a lock by its hold and its signed transaction's id, a close by the holds it closes, each of
/// which closes once on the ledger) and is idempotent: repeating it returns the recorded outcome and moves nothing twice. Every change is a ledger transaction; this grain keeps what it submitted and what became final.
/// </summary>
[Alias("ainur.IEscrowGrain")]
public interface IEscrowGrain : IGrainWithStringKey
{
    /// <summary>
    /// Submits the client-signed lock for <paramref name="hold"/> and waits up to <paramref name="wait"/> for the
    /// ledger's answer: Locked, LockRejected (both kept durably), or Locking when not final yet (then the caller, which
    /// keeps the signed lock, asks again with it). A hold whose lock never arrived answers LockRejected: nothing can be
    /// held without the client's signature.
    /// </summary>
    [Alias("Lock")]
    Task<HoldOutcome> LockAsync(HoldKind hold, SignedTransaction? lockTransaction, TimeSpan wait);

    /// <summary>
    /// Closes holds with one all-or-nothing unit of protocol operations (release, payout, refund, slash) through the
    /// orchestrator, and waits for it to be final. <paramref name="closes"/> names each hold the unit closes and how.
    /// Succeeds when the unit is final, or when the ledger shows those holds already closed that way (a retry).
    /// </summary>
    [Alias("Close")]
    Task<CloseOutcome> CloseAsync(ImmutableArray<ProtocolOp> unit, ImmutableArray<HoldClose> closes);

    /// <summary>
    /// Looks at the ledger for a hold whose lock was refused (or never arrived) and whose signed lock expires at
    /// <paramref name="expiry"/> (Unix ms): Locked when a relay locked the escrow after all (the task must refund it),
    /// Expired when a final block's time is past the expiry and the escrow is not locked (now it never can be), else
    /// LockRejected (look again later). Past the expiry by this node's clock but not yet on the ledger's, it submits the
    /// refused lock again, so that an idle ledger makes a block that settles it.
    /// </summary>
    [Alias("Watch")]
    Task<HoldOutcome> WatchAsync(HoldKind hold, long expiry);
}

/// <summary>A hold's state after a lock attempt, with the ledger's reason when it refused the lock.</summary>
[GenerateSerializer, Immutable, Alias("ainur.HoldOutcome")]
public sealed record HoldOutcome([property: Id(0)] HoldState State, [property: Id(1)] string? Reason);

/// <summary>Whether a close unit is final (<see cref="Closed"/>) and, if not, why (retry later).</summary>
[GenerateSerializer, Immutable, Alias("ainur.CloseOutcome")]
public sealed record CloseOutcome([property: Id(0)] bool Closed, [property: Id(1)] string? Reason);
