using Ainur.Protocol.Hashing;
using System.Collections.Immutable;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Ledger.Transactions;
using Orleans.Concurrency;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Interfaces.Ledger;

/// <summary>
/// Validator number <c>index</c> (0 ≤ index &lt; N) of the ledger's validator group. It hosts the pure Tendermint core,
/// keeps the ledger state rebuilt from the blocks it finalized, persists its blocks and its double-sign guard in
/// PostgreSQL, and talks to the other validators only through one-way calls (so no two validators ever wait on each other).
/// </summary>
[Alias("ainur.IValidatorGrain")]
public interface IValidatorGrain : IGrainWithIntegerKey
{
    /// <summary>Delivers another validator's proposal. One-way: the sender never waits.</summary>
    [OneWay, Alias("DeliverProposal")]
    Task DeliverProposalAsync(Proposal proposal);

    /// <summary>Delivers another validator's vote. One-way.</summary>
    [OneWay, Alias("DeliverVote")]
    Task DeliverVoteAsync(Vote vote);

    /// <summary>
    /// Newly admitted transactions, for the validator to check their signatures while they wait in the pool, off the
    /// critical path of the next block. One-way and interleaved: checking runs beside consensus, never instead of it.
    /// </summary>
    [OneWay, AlwaysInterleave, Alias("Prevalidate")]
    Task PrevalidateAsync(ImmutableArray<SignedTransaction> transactions);

    /// <summary>Tells the validator that transactions are waiting, so it starts the next height. One-way.</summary>
    [OneWay, Alias("TransactionsWaiting")]
    Task TransactionsWaitingAsync();

    /// <summary>Activates the validator if it is not active (after a silo died) and reports its status.</summary>
    [AlwaysInterleave, Alias("GetStatus")]
    Task<ValidatorStatus> GetStatusAsync();

    /// <summary>The finalized block at <paramref name="height"/> as this validator stored it, or null. Used by lagging peers.</summary>
    [AlwaysInterleave, Alias("GetFinalized")]
    Task<FinalizedBlock?> GetFinalizedAsync(long height);

    /// <summary>The account as of this validator's last finalized block, with that block's height.</summary>
    [AlwaysInterleave, Alias("GetAccount")]
    Task<AccountSnapshot> GetAccountAsync(Did account);

    /// <summary>An escrow and the orchestrator's sequence in this validator's finalized state.</summary>
    [AlwaysInterleave, Alias("GetEscrow")]
    Task<EscrowSnapshot> GetEscrowAsync(Hash32 escrowId);

    /// <summary>A budget in this validator's finalized state.</summary>
    [AlwaysInterleave, Alias("GetBudget")]
    Task<BudgetSnapshot> GetBudgetAsync(Hash32 budgetId);

    /// <summary>Whether a voucher was paid, in this validator's finalized state.</summary>
    [AlwaysInterleave, Alias("GetVoucher")]
    Task<VoucherSnapshot> GetVoucherAsync(Hash32 budgetId, Hash32 taskId);

    /// <summary>
    /// The operator's switch: offline, the validator neither sends nor signs nor counts anything it receives (as a
    /// crashed or partitioned validator would), while keeping what it has persisted. Online again, it catches up.
    /// </summary>
    [Alias("SetOnline")]
    Task SetOnlineAsync(bool online);
}
