using Ainur.Grains.Ledger.Storage;

namespace Ainur.Grains.Tests.Ledger;

public sealed class InMemoryLedgerStoreTests : LedgerStoreContract
{
    protected override ILedgerStore Store { get; } = new InMemoryLedgerStore();

    protected override int GuardSequences => 500;
}
