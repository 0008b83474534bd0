using Ainur.Grains.Ledger.Storage;
using Ainur.Grains.Tests.Storage;
using Ainur.Protocol.Ledger.Blocks;
using Npgsql;

namespace Ainur.Grains.Tests.Ledger;

public sealed class PostgresLedgerStoreTests(DatabaseFixture fixture) : LedgerStoreContract, IClassFixture<DatabaseFixture>
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
    private PostgresLedgerStore? _store;

    protected override ILedgerStore Store => _store ??= new PostgresLedgerStore(_dataSource);

    protected override int GuardSequences => 40;

    [Fact]
    public async Task SaveBlock_WritesTheDocumentedColumns()
    {
        using var chain = new TestChain();
        var block = chain.Make(1, default, transfers: 2, round: 4, variant: 0);

        await Store.SaveBlockAsync(chain.ChainId, 3, block, Ct);

        await using var command = _dataSource.CreateCommand(
            "select round, block_hash, block, certificate, tx_count from ainur_ledger_blocks where chain_id = @c and validator = 3 and height = 1");
        command.Parameters.AddWithValue("c", chain.ChainId);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal(4, reader.GetInt32(0));
        Assert.Equal(block.Block.Hash.ToArray(), reader.GetFieldValue<byte[]>(1));
        Assert.Equal(block.Block.Encode(), reader.GetFieldValue<byte[]>(2));
        Assert.Equal(FinalizedBlock.EncodeCertificate(block.Certificate), reader.GetFieldValue<byte[]>(3));
        Assert.Equal(2, reader.GetInt32(4));
    }

    [Theory]
    [InlineData("block = substring(block from 1 for length(block) - 1)")]
    [InlineData("certificate = certificate || '\\x00'::bytea")]
    [InlineData("block_hash = set_byte(block_hash, 0, (get_byte(block_hash, 0) + 1) % 256)")]
    public async Task GetBlock_CorruptRow_FailsLoudly(string corruption)
    {
        using var chain = new TestChain();
        await Store.SaveBlockAsync(chain.ChainId, 0, chain.Next(), Ct);
        await using (var command = _dataSource.CreateCommand($"update ainur_ledger_blocks set {corruption} where chain_id = @c"))
        {
            command.Parameters.AddWithValue("c", chain.ChainId);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        await Assert.ThrowsAsync<InvalidDataException>(() => Store.GetBlockAsync(chain.ChainId, 0, 1, Ct));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await Store.ReadBlocksAsync(chain.ChainId, 0, 1, Ct).ToListAsync(Ct));
    }

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await base.DisposeAsync();
    }
}
