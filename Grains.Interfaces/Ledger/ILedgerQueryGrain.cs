using System.Collections.Immutable;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Grains.Interfaces.Ledger;

/// <summary>
/// Reads of the finalized ledger for the API: blocks and proofs from the block store, accounts from the most advanced
/// validator. A stateless worker on every silo; nothing here can change the ledger.
/// </summary>
[Alias("ainur.ILedgerQueryGrain")]
public interface ILedgerQueryGrain : IGrainWithIntegerKey
{
    /// <summary>The finalized block at <paramref name="height"/>, or null when none is final there yet.</summary>
    [Alias("GetBlock")]
    Task<FinalizedBlock?> GetBlockAsync(long height);

    /// <summary>A transaction's status, with its payment proof when it is final.</summary>
    [Alias("GetTransaction")]
    Task<TransactionView> GetTransactionAsync(Hash32 transactionId);

    /// <summary>The account as of the latest finalized block known to the validators.</summary>
    [Alias("GetAccount")]
    Task<AccountSnapshot> GetAccountAsync(Did account);

    /// <summary>An escrow and the orchestrator's sequence as of the latest finalized block known to the validators.</summary>
    [Alias("GetEscrow")]
    Task<EscrowSnapshot> GetEscrowAsync(Hash32 escrowId);

    /// <summary>A budget as of the latest finalized block known to the validators.</summary>
    [Alias("GetBudget")]
    Task<BudgetSnapshot> GetBudgetAsync(Hash32 budgetId);

    /// <summary>
    /// Whether the voucher of budget <paramref name="budgetId"/> for task <paramref name="taskId"/> was paid, as of the
    /// latest finalized block known to the validators; a paid voucher stays paid after its budget is returned, so a
    /// settle retried then is recognised as applied.
    /// </summary>
    [Alias("IsVoucherSpent")]
    Task<bool> IsVoucherSpentAsync(Hash32 budgetId, Hash32 taskId);

    /// <summary>The chain id, the validator set and each validator's status.</summary>
    [Alias("GetValidators")]
    Task<ValidatorsView> GetValidatorsAsync();
}

/// <summary>A transaction's status and, when final, its proof.</summary>
[GenerateSerializer, Immutable, Alias("ainur.TransactionView")]
public sealed record TransactionView([property: Id(0)] TxStatus Status, [property: Id(1)] Protocol.Ledger.Proofs.PaymentProof? Proof);

/// <summary>The ledger's chain id, validator set and the validators' statuses (a validator that did not answer is absent).</summary>
[GenerateSerializer, Immutable, Alias("ainur.ValidatorsView")]
public sealed record ValidatorsView(
    [property: Id(0)] string ChainId,
    [property: Id(1)] ValidatorSet Validators,
    [property: Id(2)] ImmutableArray<ValidatorStatus> Statuses);
