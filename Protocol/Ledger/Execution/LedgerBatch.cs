using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>
/// Applies the transactions of the next block, one by one, to a private mutable copy of a <see cref="LedgerState"/>;
/// the state it started from is never changed. Starting it releases the unbonding due at the new height (block
/// <see cref="Height"/> begins with that). A rejected transaction leaves no trace. Not thread-safe; after
/// <see cref="Commit"/> it can no longer be used. Block execution and building use it; a mempool may too, to check
/// admissions against the latest state and what it already admitted.
/// </summary>
public sealed class LedgerBatch
{
    private readonly LedgerWorkingSet _state;
    private readonly VoucherSignatures _vouchers;
    private bool _committed;

    private LedgerBatch(LedgerState before, long timeUnixMs, bool trustVouchers = false)
    {
        Before = before;
        _vouchers = trustVouchers ? VoucherSignatures.Trusting(before.Genesis.ChainId) : VoucherSignatures.Checking(before.Genesis.ChainId);
        Height = checked(before.Height + 1);
        TimeUnixMs = timeUnixMs;
        _state = new LedgerWorkingSet(before);
        TransactionRules.ReleaseUnbonding(_state, Height);
        _state.AcceptChanges();
    }

    /// <summary>The state this batch started from.</summary>
    public LedgerState Before { get; }

    /// <summary>The height of the block being applied: <c>Before.Height + 1</c>.</summary>
    public long Height { get; }

    /// <summary>The time of the block being applied (Unix milliseconds): what escrow locks' expiries are checked against.</summary>
    public long TimeUnixMs { get; }

    /// <summary>How many transactions were applied.</summary>
    public int Applied { get; private set; }

    /// <summary>The orchestrator's last batch sequence as of now.</summary>
    public long OrchestratorSequence => _state.OrchestratorSequence;

    /// <summary>Starts the block after <paramref name="before"/>, at the earliest time it may carry (the last block's).</summary>
    public static LedgerBatch Begin(LedgerState before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return new LedgerBatch(before, before.TimeUnixMs);
    }

    /// <summary>Starts the block after <paramref name="before"/> with time <paramref name="timeUnixMs"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The time is before the last block's: block times never go back.</exception>
    public static LedgerBatch Begin(LedgerState before, long timeUnixMs)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeUnixMs, before.TimeUnixMs);
        return new LedgerBatch(before, timeUnixMs);
    }

    /// <summary>The block after <paramref name="before"/> whose commit certificate was verified: its vouchers are not checked again.</summary>
    internal static LedgerBatch BeginFinalized(LedgerState before, long timeUnixMs) => new(before, timeUnixMs, trustVouchers: true);

    /// <summary>The account of <paramref name="did"/> as of now.</summary>
    public Account GetAccount(Did did) => _state.GetAccount(did);

    /// <summary>The escrow with <paramref name="id"/> as of now; null when none was ever locked.</summary>
    public Escrow? GetEscrow(Hash32 id) => _state.GetEscrow(id);

    /// <summary>The budget with <paramref name="id"/> as of now; null when none was ever opened.</summary>
    public Budget? GetBudget(Hash32 id) => _state.GetBudget(id);

    /// <summary>
    /// Verifies at once, on up to <paramref name="maxParallelism"/> cores, the voucher signatures of the settlements in
    /// <paramref name="count"/> transactions from <paramref name="start"/> (those whose budget exists now or is opened
    /// among them), so applying those transactions finds them checked. Changes nothing else and never changes an
    /// outcome: <see cref="TryApply"/> checks any voucher not checked before. The vouchers of the transactions
    /// <paramref name="vouched"/> vouches for (all found valid by <see cref="VoucherPrevalidation.AllValid"/> before;
    /// it must be safe to call from several threads) are not checked again.
    /// </summary>
    public void PrecheckVouchers(
        IReadOnlyList<SignedTransaction> transactions, int start, int count, int maxParallelism, Func<SignedTransaction, bool>? vouched = null)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ThrowIfCommitted();
        _vouchers.Precheck(transactions, start, count, id => _state.GetBudget(id)?.Owner, maxParallelism, vouched);
    }

    /// <summary>
    /// Applies <paramref name="transaction"/> and returns null, or changes nothing and returns why not.
    /// With <paramref name="signatureChecked"/> false the signature is verified first (against the genesis chain id);
    /// pass true only when the caller verified it for this chain already.
    /// </summary>
    /// <exception cref="InvalidOperationException">The batch was committed.</exception>
    public TxRejection? TryApply(SignedTransaction transaction, bool signatureChecked)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ThrowIfCommitted();
        if (!signatureChecked && !transaction.VerifySignature(Before.Genesis.ChainId))
        {
            return BadSignature(transaction);
        }

        var rejection = TransactionRules.Apply(_state, Height, TimeUnixMs, _vouchers, transaction.Body);
        if (rejection is null)
        {
            _state.AcceptChanges();
            Applied++;
        }
        else
        {
            _state.DiscardChanges();
        }

        return rejection;
    }

    /// <summary>The state root as of now (what the block header must carry if the block ends here).</summary>
    /// <exception cref="InvalidOperationException">The batch was committed.</exception>
    public Hash32 ComputeStateRoot()
    {
        ThrowIfCommitted();
        return _state.ComputeRoot();
    }

    /// <summary>Ends the batch: the state after block <see cref="Height"/>, whose hash is <paramref name="blockHash"/>.</summary>
    /// <exception cref="InvalidOperationException">The batch was committed already.</exception>
    public LedgerState Commit(Hash32 blockHash)
    {
        ThrowIfCommitted();
        _committed = true;
        return _state.ToState(Height, blockHash, TimeUnixMs);
    }

    internal static TxRejection BadSignature(SignedTransaction transaction) =>
        new(TxRejectionCodes.BadSignature, $"The signature is not {transaction.Body.Signer}'s over this transaction for this chain.");

    private void ThrowIfCommitted()
    {
        if (_committed)
        {
            throw new InvalidOperationException("This batch was committed; begin a new one from the state it produced.");
        }
    }
}
