using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Ledger.Faucet;

/// <summary>
/// The standalone faucet (see <see cref="IFaucetGrain"/>). Not reentrant: one grant is signed and submitted at a time,
/// so nonces reach the mempool in increasing order. The next nonce starts above the faucet account's finalized nonce
/// when the grain activates; gaps are allowed by the ledger, so a grant lost before finality costs nothing.
/// </summary>
/// <remarks>
/// A re-activation while grants of the previous activation are still pending would reuse their nonces and those new
/// grants would be rejected (nonce-not-increasing); with one silo and grants final within milliseconds this needs an
/// idle collection racing a pending grant, and the caller sees the rejection and may ask again.
/// </remarks>
public sealed class FaucetGrain(LedgerSettings settings) : Grain, IFaucetGrain
{
    private long _nextNonce;

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (settings.Faucet is { } faucet)
        {
            var account = await GrainFactory.GetGrain<ILedgerQueryGrain>(0).GetAccountAsync(faucet.Did);
            _nextNonce = account.Account.Nonce + 1;
        }
    }

    /// <inheritdoc/>
    public async Task<FaucetGrant> GrantAsync(Did recipient)
    {
        if (settings.Faucet is not { } faucet)
        {
            return new FaucetGrant(FaucetOutcome.Disabled, null, 0);
        }

        var transaction = SignedTransaction.Sign(new Transfer(faucet.Did, recipient, settings.FaucetGrant, _nextNonce++), faucet, settings.ChainId);
        var submitted = await GrainFactory.GetGrain<IMempoolGrain>(0).SubmitAsync(transaction);
        var outcome = submitted.Status == SubmitStatus.Full ? FaucetOutcome.MempoolFull : FaucetOutcome.Submitted;
        return new FaucetGrant(outcome, transaction, settings.FaucetGrant);
    }
}
