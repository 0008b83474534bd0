using Ainur.Grains.Ledger.Storage;

namespace Ainur.Grains.Tests.Ledger;

/// <summary>
/// The <see cref="ILedgerStore"/> contract, run against every implementation (blocks, signing guard and transaction
/// index in their own files). Each test uses a fresh chain id, so a shared database holds no rows that matter to
/// another test.
/// </summary>
public abstract partial class LedgerStoreContract : IAsyncDisposable
{
    private readonly TestChain _chain = new();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract ILedgerStore Store { get; }

    private string ChainId => _chain.ChainId;

    public virtual ValueTask DisposeAsync()
    {
        _chain.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
