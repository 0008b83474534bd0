using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Grains.Ledger.Validators;

/// <summary>Catching up: a validator that fell behind takes the missing finalized blocks from its most advanced peer.</summary>
public sealed partial class ValidatorGrain
{
    // Fetches every block a peer finalized beyond this validator's head, checks each one's certificate and executes it
    // in full (signatures included) before storing it: a lagging validator trusts no one's word for the chain.
    private async Task CatchUpAsync()
    {
        if (_catchingUp || !Online || _fenced)
        {
            return;
        }

        _catchingUp = true;
        try
        {
            var (peer, height) = await FindMostAdvancedPeerAsync();
            while (peer is not null && _ledger.Height < height)
            {
                var next = await peer.GetFinalizedAsync(_ledger.Height + 1);
                if (next is null || !IsValidFinalized(next))
                {
                    LogCatchUpRefused(logger, _index, _ledger.Height + 1);
                    return;
                }

                await StepAsync(new CommitReceived(next.Block, next.Certificate));
            }
        }
        finally
        {
            _catchingUp = false;
        }
    }

    private bool IsValidFinalized(FinalizedBlock finalized) =>
        finalized.Certificate.Verify(settings.Validators, ChainId) is null
        && finalized.Certificate.BlockHash == finalized.Block.Hash
        && finalized.Block.Height == _ledger.Height + 1
        && IsValid(finalized.Block);

    private async Task<(IValidatorGrain? Peer, long Height)> FindMostAdvancedPeerAsync()
    {
        IValidatorGrain? best = null;
        var bestHeight = _ledger.Height;
        for (var i = 0; i < settings.Validators.Count; i++)
        {
            if (i == _index)
            {
                continue;
            }

            var peer = GrainFactory.GetGrain<IValidatorGrain>(i);
            var peerIndex = i;
            var status = await PeerCall.TryAsync(peer.GetStatusAsync(), e => LogPeerUnreachable(logger, _index, peerIndex, e.Message));
            if (status is not null && status.FinalizedHeight > bestHeight)
            {
                (best, bestHeight) = (peer, status.FinalizedHeight);
            }
        }

        return (best, bestHeight);
    }
}
