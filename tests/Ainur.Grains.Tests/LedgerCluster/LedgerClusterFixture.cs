using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Grains.Tests.Cluster;
using Ainur.Silo.Hosting;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Orleans.TestingHost;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>
/// The ledger on two in-process silos configured as production silos (cluster mode, PostgreSQL, real keys for four
/// validators spread over both silos), with a funded account whose transfers the tests finalize.
/// </summary>
public class LedgerClusterFixture : IAsyncLifetime
{
    private PostgresTestCluster? _cluster;
    private long _nonce;

    public string ClusterId { get; } = $"ledger-{Guid.NewGuid():N}";

    public TestDatabase Database => (_cluster ?? throw new InvalidOperationException("Fixture not initialised.")).Database;

    public InProcessTestCluster Cluster => (_cluster ?? throw new InvalidOperationException("Fixture not initialised.")).Cluster;

    public LedgerSecrets Secrets => LedgerSecrets.For(ClusterId);

    /// <summary>The funded account.</summary>
    public AgentKey Payer => LedgerSecrets.Account(ClusterId, "payer");

    public IMempoolGrain Mempool => Cluster.Client.GetGrain<IMempoolGrain>(0);

    public ILedgerQueryGrain Query => Cluster.Client.GetGrain<ILedgerQueryGrain>(0);

    public IValidatorGrain Validator(int index) => Cluster.Client.GetGrain<IValidatorGrain>(index);

    public async ValueTask InitializeAsync() => _cluster = await PostgresTestCluster.StartAsync(ClusterId, Options);

    /// <summary>A transfer of <paramref name="amount"/> from the payer to a fresh account, with the payer's next nonce.</summary>
    public SignedTransaction NextTransfer(long amount = 1)
    {
        using var payee = AgentKey.Generate();
        return TransferTo(payee.Did, amount);
    }

    /// <summary>A transfer of <paramref name="amount"/> from the payer to <paramref name="payee"/>, with the payer's next nonce.</summary>
    public SignedTransaction TransferTo(Did payee, long amount) =>
        SignedTransaction.Sign(new Transfer(Payer.Did, payee, amount, Interlocked.Increment(ref _nonce)), Payer, Secrets.ChainId);

    /// <summary>Submits and waits until the transaction is final (or <paramref name="timeout"/> passes); returns the last status.</summary>
    public async Task<TxStatus> SubmitAndWaitAsync(SignedTransaction transaction, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var status = new TxStatus(transaction.Id, TxState.Unknown, 0, -1, null);
        while (DateTimeOffset.UtcNow < deadline && status.State is not (TxState.Final or TxState.Rejected))
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                // Resubmitting is harmless (same id); it also covers a pool lost with its silo.
                await Mempool.SubmitAsync(transaction);
                status = await Mempool.WaitAsync(transaction.Id, TimeSpan.FromSeconds(1));
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                await Task.Delay(200, ct);
            }
        }

        return status;
    }

    /// <summary>
    /// Submits transactions of one sender in nonce order in one call, then waits for each. Submitted concurrently, a
    /// later nonce could be final before an earlier one arrives, which the ledger then refuses as not increasing.
    /// </summary>
    public async Task<TxStatus[]> SubmitAllAndWaitAsync(IReadOnlyList<SignedTransaction> transactions, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await Mempool.SubmitManyAsync([.. transactions]);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // The pool's silo is going away: each wait below submits its transaction again.
        }

        return await Task.WhenAll(transactions.Select(t => SubmitAndWaitAsync(t, timeout, ct)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Changes a fixture's ledger settings before its silos start.</summary>
    protected virtual void Configure(LedgerOptions ledger)
    {
    }

    private AinurOptions Options(TestDatabase database)
    {
        var options = PostgresClusterFixture.Options(ClusterId, database);
        options.Ledger.Allocations.Add(new AllocationOptions { Account = Payer.Did.Value, Amount = 1_000_000_000 });
        Configure(options.Ledger);
        return options;
    }
}

[CollectionDefinition(Name)]
public sealed class LedgerClusterCollection : ICollectionFixture<LedgerClusterFixture>
{
    public const string Name = nameof(LedgerClusterCollection);
}

/// <summary>A cluster of its own for the test that kills a silo, so the other tests keep two silos.</summary>
[CollectionDefinition(Name)]
public sealed class LedgerFailoverCollection : ICollectionFixture<LedgerClusterFixture>
{
    public const string Name = nameof(LedgerFailoverCollection);
}
