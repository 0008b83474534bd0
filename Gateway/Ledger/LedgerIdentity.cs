using Ainur.Gateway.Cluster;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Consensus;

namespace Ainur.Gateway.Ledger;

/// <summary>
/// The ledger's chain id and validator set, fetched once from the cluster and kept: both are fixed by the genesis, so
/// they never change while the gateway runs. A failed fetch is not kept; the next caller tries again.
/// </summary>
public sealed class LedgerIdentity(IClusterClient cluster)
{
    private readonly Lock _gate = new();
    private Task<ValidatorsView>? _fetch;

    /// <summary>The chain id every ledger signature covers.</summary>
    public async Task<string> GetChainIdAsync(CancellationToken cancellationToken) => (await GetAsync(cancellationToken)).ChainId;

    /// <summary>The validator set whose precommits make blocks final.</summary>
    public async Task<ValidatorSet> GetValidatorsAsync(CancellationToken cancellationToken) => (await GetAsync(cancellationToken)).Validators;

    private async Task<ValidatorsView> GetAsync(CancellationToken cancellationToken)
    {
        Task<ValidatorsView> fetch;
        lock (_gate)
        {
            fetch = _fetch ??= GrainRetry.RunAsync(() => cluster.GetGrain<ILedgerQueryGrain>(0).GetValidatorsAsync(), CancellationToken.None);
        }

        try
        {
            return await fetch.WaitAsync(cancellationToken);
        }
        catch when (fetch.IsFaulted)
        {
            lock (_gate)
            {
                if (_fetch == fetch)
                {
                    _fetch = null;
                }
            }

            throw;
        }
    }
}
