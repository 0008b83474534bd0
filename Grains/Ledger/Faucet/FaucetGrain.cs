using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Ledger.Faucet;

/// <summary>
/// The standalone faucet (see <see cref="IFaucetGrain"/>). Not reentrant: one grant is signed and submitted at a time,
/// so nonces reach the mempool in increasing order. Nonces may have gaps, so an activation starts at the larger of the
/// faucet account's finalized nonce + 1 and the clock in microseconds since 1970: a re-activation while grants of the
/// previous one are still pending starts above their nonces instead of reusing them (unless the previous activation
/// granted faster than one per microsecond).
/// </summary>
public sealed class FaucetGrain(LedgerSettings settings, TimeProvider clock) : Grain, IFaucetGrain
{
    private long _nextNonce;

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (settings.Faucet is { } faucet)
        {
            var account = await GrainFactory.GetGrain<ILedgerQueryGrain>(0).GetAccountAsync(faucet.Did);
            _nextNonce = Math.Max(account.Account.Nonce + 1, clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
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
