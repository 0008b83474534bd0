using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.LoadTests.Tools;

/// <summary>
/// The grain-level tool's ledger calls: submit a transaction and wait until it is final, and fund the tool's accounts
/// from the node's faucet or, where there is none (cluster mode), from a funded account's key (<c>--funder-key</c>).
/// </summary>
internal sealed class GrainLedger(IClusterClient cluster, string chainId, AgentKey? funder)
{
    // Under the client's five-second response timeout (AinurClientBuilderExtensions): longer waits are made of slices.
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(3);

    private readonly IMempoolGrain _mempool = cluster.GetGrain<IMempoolGrain>(0);

    public string ChainId { get; } = chainId;

    public static async Task<GrainLedger> ConnectAsync(IClusterClient cluster, AgentKey? funder)
    {
        var validators = await cluster.GetGrain<ILedgerQueryGrain>(0).GetValidatorsAsync();
        return new GrainLedger(cluster, validators.ChainId, funder);
    }

    public SignedTransaction Sign(TxBody body, AgentKey key) => SignedTransaction.Sign(body, key, ChainId);

    /// <summary>Submits and waits until final; anything else is a <see cref="LoadFailure"/> of its kind.</summary>
    public async Task FinalizeAsync(SignedTransaction transaction)
    {
        var submitted = await _mempool.SubmitAsync(transaction);
        if (submitted.Status != SubmitStatus.Accepted)
        {
            throw new LoadFailure($"mempool-{submitted.Status.ToString().ToLowerInvariant()}", $"The mempool did not admit {transaction.Id}: {submitted.Status}.");
        }

        await WaitFinalAsync(transaction);
    }

    /// <summary>Funds every account with <paramref name="amount"/> credits and waits until all are final.</summary>
    public async Task FundAsync(IReadOnlyList<Did> accounts, long amount)
    {
        if (funder is null)
        {
            var faucet = cluster.GetGrain<IFaucetGrain>(0);
            var grants = await Task.WhenAll(accounts.Select(a => faucet.GrantAsync(a)));
            if (grants.FirstOrDefault(g => g.Outcome != FaucetOutcome.Submitted) is { } refused)
            {
                throw new InvalidOperationException($"The node's faucet answered {refused.Outcome}: a cluster has none, so pass --funder-key with a funded account's key file.");
            }

            await Task.WhenAll(grants.Select(g => WaitFinalAsync(g.Transaction!)));
            return;
        }

        // One submission keeps the funder's nonces in order in the pool.
        var account = await cluster.GetGrain<ILedgerQueryGrain>(0).GetAccountAsync(funder.Did);
        var transfers = accounts.Select((a, i) => Sign(new Transfer(funder.Did, a, amount, account.Account.Nonce + 1 + i), funder)).ToImmutableArray();
        var results = await _mempool.SubmitManyAsync(transfers);
        if (results.FirstOrDefault(r => r.Status != SubmitStatus.Accepted) is { } refusedTransfer)
        {
            throw new InvalidOperationException($"The mempool refused a funding transfer: {refusedTransfer.Status}.");
        }

        await Task.WhenAll(transfers.Select(WaitFinalAsync));
    }

    private async Task WaitFinalAsync(SignedTransaction transaction)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            var status = await _mempool.WaitAsync(transaction.Id, Slice);
            switch (status.State)
            {
                case TxState.Final:
                    return;
                case TxState.Rejected:
                    throw new LoadFailure($"rejected:{status.Rejection?.Code}", $"Transaction {transaction.Id} was rejected: {status.Rejection?.Message}");
                case TxState.Unknown:
                    throw new LoadFailure("tx-lost", $"Transaction {transaction.Id} left the pool without being final.");
            }

            waited += Slice;
            if (waited >= TimeSpan.FromSeconds(60))
            {
                throw new LoadFailure("tx-not-final-in-60s", $"Transaction {transaction.Id} was not final within 60 s.");
            }
        }
    }
}
