using Orleans;

namespace Ainur.Protocol.Ledger.State;

/// <summary>
/// Why a transaction was not applied: a stable kebab-case <paramref name="Code"/> from <see cref="TxRejectionCodes"/>
/// (what callers switch on and the gateway maps to a status) and an English <paramref name="Message"/> for people.
/// A rejected transaction changes nothing, not even its signer's nonce. For a protocol batch, <paramref name="Operation"/>
/// is the index of the operation that was refused (null: the batch as a whole, or another kind of transaction).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.TxRejection")]
public sealed record TxRejection([property: Id(0)] string Code, [property: Id(1)] string Message, [property: Id(2)] int? Operation = null);

/// <summary>The rejection codes; values are part of the API and never change.</summary>
public static class TxRejectionCodes
{
    /// <summary>The signature is not the signer's over this body for this chain (also: signed for another chain).</summary>
    public const string BadSignature = "bad-signature";

    /// <summary>A protocol batch not signed by the genesis' orchestrator.</summary>
    public const string NotOrchestrator = "not-orchestrator";

    /// <summary>The nonce (a batch's sequence) does not exceed the last one used: a replay or a stale transaction.</summary>
    public const string NonceNotIncreasing = "nonce-not-increasing";

    /// <summary>An amount that must be positive is not, or a part (fee, share) is negative or larger than its whole.</summary>
    public const string BadAmount = "bad-amount";

    /// <summary>A transfer to the sender itself.</summary>
    public const string SelfTransfer = "self-transfer";

    /// <summary>The balance is smaller than the amount to move.</summary>
    public const string InsufficientBalance = "insufficient-balance";

    /// <summary>The stake (for a slash: stake and unbonding) is smaller than the amount.</summary>
    public const string InsufficientStake = "insufficient-stake";

    /// <summary>An escrow with this id exists or existed: ids are usable once.</summary>
    public const string EscrowExists = "escrow-exists";

    /// <summary>An escrow lock in a block whose time is past the lock's expiry.</summary>
    public const string EscrowLockExpired = "escrow-lock-expired";

    /// <summary>No escrow has this id.</summary>
    public const string UnknownEscrow = "unknown-escrow";

    /// <summary>The escrow was already released or refunded.</summary>
    public const string EscrowClosed = "escrow-closed";

    /// <summary>What a release or payout pays (payees plus fee) exceeds the escrow's amount.</summary>
    public const string ReleaseExceedsEscrow = "release-exceeds-escrow";

    /// <summary>An escrow payout with no payouts, or with more than <c>EscrowPayout.MaxPayouts</c>.</summary>
    public const string BadPayoutCount = "bad-payout-count";

    /// <summary>A budget with this id exists or existed: ids are usable once.</summary>
    public const string BudgetExists = "budget-exists";

    /// <summary>No budget has this id.</summary>
    public const string BudgetNotFound = "budget-not-found";

    /// <summary>A top-up or close signed by someone other than the budget's owner.</summary>
    public const string NotBudgetOwner = "not-budget-owner";

    /// <summary>A budget opened with an expiry height not above the block's, or topped up or settled on after its expiry height.</summary>
    public const string BudgetExpired = "budget-expired";

    /// <summary>A top-up or close of a budget its owner closed already.</summary>
    public const string BudgetClosing = "budget-closing";

    /// <summary>Anything but reading on a budget that was returned.</summary>
    public const string BudgetReturned = "budget-returned";

    /// <summary>A return of a budget that is open and not yet past its expiry height.</summary>
    public const string BudgetNotClosing = "budget-not-closing";

    /// <summary>A voucher settlement that pays more than the budget holds.</summary>
    public const string BudgetExceeded = "budget-exceeded";

    /// <summary>A voucher settlement that pays more than the voucher's max price.</summary>
    public const string VoucherPriceExceeded = "voucher-price-exceeded";

    /// <summary>The voucher (budget id, task id) was paid already: a voucher pays once.</summary>
    public const string VoucherSpent = "voucher-spent";

    /// <summary>The voucher's signature is not the budget owner's over it for this chain.</summary>
    public const string VoucherSignatureInvalid = "voucher-signature-invalid";

    /// <summary>A protocol batch with no operations.</summary>
    public const string EmptyBatch = "empty-batch";

    /// <summary>The block builder saw the same transaction id twice among its candidates.</summary>
    public const string Duplicate = "duplicate";
}
