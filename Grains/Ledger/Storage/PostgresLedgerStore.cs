using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;
using Npgsql;
using NpgsqlTypes;

namespace Ainur.Grains.Ledger.Storage;

/// <summary>
/// <see cref="ILedgerStore"/> over the <c>ainur_ledger_*</c> tables (migration 0005), shared by every silo. Each
/// write is one autocommitted statement, durable when it returns as the server's <c>synchronous_commit</c> makes it.
/// Races are settled by the database: primary keys for blocks and index rows, and for the guard a conditional
/// upsert whose condition PostgreSQL re-checks on the locked, latest row.
/// </summary>
public sealed class PostgresLedgerStore(NpgsqlDataSource dataSource) : ILedgerStore
{
    // 100 blocks of 500 transfers are about 7 MB: one page's memory and one short query while reloading a chain.
    private const int ReadPageSize = 100;

    // The insert happens only at height 1 or on top of the stored block it links to; the stored block below is
    // returned either way, so a refusal can say why without another query in the common case.
    private const string SaveBlockSql = """
        with below as (
            select block_hash from ainur_ledger_blocks
            where chain_id = @chain and validator = @validator and height = @height - 1
        ), inserted as (
            insert into ainur_ledger_blocks (chain_id, validator, height, round, block_hash, block, certificate, tx_count)
            select @chain, @validator, @height, @round, @hash, @block, @certificate, @tx_count
            where @height = 1 or exists (select 1 from below where block_hash = @previous)
            on conflict (chain_id, validator, height) do nothing
            returning 1
        )
        select exists (select 1 from inserted), (select block_hash from below)
        """;

    private const string StoredHashSql = """
        select block_hash from ainur_ledger_blocks where chain_id = @chain and validator = @validator and height = @height
        """;

    private const string ReadBlocksSql = """
        select height, block_hash, block, certificate from ainur_ledger_blocks
        where chain_id = @chain and validator = @validator and height >= @height
        order by height
        limit @limit
        """;

    private const string LastHeightSql = """
        select coalesce(max(height), 0) from ainur_ledger_blocks where chain_id = @chain and validator = @validator
        """;

    // Strictly later: replace everything (a new height resets the lock). Same step and block: an idempotent re-sign
    // that may move the lock forward, never back. Anything else updates nothing and returns no row: do not sign.
    private const string AdvanceGuardSql = """
        insert into ainur_ledger_signing_guards as g
            (chain_id, validator, height, round, step, block_hash, locked_round, locked_hash, recent_votes)
        values (@chain, @validator, @height, @round, @step, @hash, @locked_round, @locked_hash, @recent_votes)
        on conflict (chain_id, validator) do update set
            height = excluded.height, round = excluded.round, step = excluded.step, block_hash = excluded.block_hash,
            recent_votes = excluded.recent_votes,
            locked_round = case when (g.height, g.round, g.step) < (excluded.height, excluded.round, excluded.step)
                                  or excluded.locked_round >= g.locked_round
                                then excluded.locked_round else g.locked_round end,
            locked_hash = case when (g.height, g.round, g.step) < (excluded.height, excluded.round, excluded.step)
                                 or excluded.locked_round >= g.locked_round
                               then excluded.locked_hash else g.locked_hash end,
            updated_at = now()
        where (g.height, g.round, g.step) < (excluded.height, excluded.round, excluded.step)
           or ((g.height, g.round, g.step) = (excluded.height, excluded.round, excluded.step)
               and g.block_hash is not distinct from excluded.block_hash)
        returning 1
        """;

    // A later snapshot replaces the stored one; an earlier one (a stale activation's) changes nothing.
    private const string SaveSnapshotSql = """
        insert into ainur_ledger_snapshots as s (chain_id, validator, height, state)
        values (@chain, @validator, @height, @state)
        on conflict (chain_id, validator) do update set height = excluded.height, state = excluded.state, taken_at = now()
        where s.height < excluded.height
        """;

    private const string LoadSnapshotSql = """
        select height, state from ainur_ledger_snapshots where chain_id = @chain and validator = @validator
        """;

    private const string LoadGuardSql = """
        select height, round, step, block_hash, locked_round, locked_hash, recent_votes from ainur_ledger_signing_guards
        where chain_id = @chain and validator = @validator
        """;

    // One statement per block: progress moves to this height only from the height below it (or stays when the block
    // is already indexed), and the rows go in only when it did. Returns whether the block was accepted.
    private const string IndexSql = """
        with progress as (
            insert into ainur_ledger_index_progress as p (chain_id, height)
            select @chain, @height
            where @height = 1 or exists (select 1 from ainur_ledger_index_progress where chain_id = @chain)
            on conflict (chain_id) do update set height = greatest(p.height, excluded.height), updated_at = now()
            where p.height >= excluded.height - 1
            returning 1
        ), rows as (
            insert into ainur_ledger_transactions (chain_id, tx_id, height, position)
            select @chain, t.id, @height, (t.ordinality - 1)::integer
            from unnest(@ids) with ordinality as t(id, ordinality)
            where exists (select 1 from progress)
            on conflict (chain_id, tx_id) do nothing
        )
        select exists (select 1 from progress)
        """;

    private const string FindTransactionSql = """
        select height, position from ainur_ledger_transactions where chain_id = @chain and tx_id = @id
        """;

    private const string IndexedHeightSql = """
        select coalesce((select height from ainur_ledger_index_progress where chain_id = @chain), 0)
        """;

    /// <inheritdoc />
    public async Task SaveBlockAsync(string chainId, int validator, FinalizedBlock block, CancellationToken ct)
    {
        LedgerStoreChecks.CheckSave(chainId, validator, block);
        var header = block.Block.Header;

        bool inserted;
        byte[]? below;
        await using (var command = dataSource.CreateCommand(SaveBlockSql))
        {
            AddValidatorKey(command, chainId, validator);
            command.Parameters.Add(Typed("height", NpgsqlDbType.Bigint, header.Height));
            command.Parameters.Add(Typed("round", NpgsqlDbType.Integer, block.Certificate.Round));
            command.Parameters.Add(Typed("hash", NpgsqlDbType.Bytea, block.Block.Hash.ToArray()));
            command.Parameters.Add(Typed("block", NpgsqlDbType.Bytea, block.Block.Encode()));
            command.Parameters.Add(Typed("certificate", NpgsqlDbType.Bytea, FinalizedBlock.EncodeCertificate(block.Certificate)));
            command.Parameters.Add(Typed("tx_count", NpgsqlDbType.Integer, block.Block.Transactions.Length));
            command.Parameters.Add(Typed("previous", NpgsqlDbType.Bytea, header.PreviousHash.ToArray()));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            inserted = reader.GetBoolean(0);
            below = reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1);
        }

        if (inserted) return;

        // A fresh statement sees a row that a concurrent save committed after the first one's snapshot.
        var stored = await StoredHashAsync(chainId, validator, header.Height, ct).ConfigureAwait(false);
        LedgerStoreChecks.ThrowUnlessAlreadyStored(chainId, validator, block, stored, below is null ? null : new Hash32(below));
    }

    /// <inheritdoc />
    public async Task<FinalizedBlock?> GetBlockAsync(string chainId, int validator, long height, CancellationToken ct)
    {
        var page = await ReadPageAsync(chainId, validator, height, 1, ct).ConfigureAwait(false);
        return page.Count == 1 && page[0].Height == height ? page[0] : null;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<FinalizedBlock> ReadBlocksAsync(
        string chainId, int validator, long fromHeight, [EnumeratorCancellation] CancellationToken ct)
    {
        var next = fromHeight;
        while (true)
        {
            var page = await ReadPageAsync(chainId, validator, next, ReadPageSize, ct).ConfigureAwait(false);
            foreach (var block in page)
            {
                yield return block;
            }

            if (page.Count < ReadPageSize) yield break;
            next = page[^1].Height + 1;
        }
    }

    /// <inheritdoc />
    public async Task<long> GetLastHeightAsync(string chainId, int validator, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(LastHeightSql);
        AddValidatorKey(command, chainId, validator);
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task<bool> TryAdvanceGuardAsync(string chainId, int validator, SigningGuard guard, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(guard);
        await using var command = dataSource.CreateCommand(AdvanceGuardSql);
        AddValidatorKey(command, chainId, validator);
        command.Parameters.Add(Typed("height", NpgsqlDbType.Bigint, guard.Height));
        command.Parameters.Add(Typed("round", NpgsqlDbType.Integer, guard.Round));
        command.Parameters.Add(Typed("step", NpgsqlDbType.Smallint, (short)guard.Step));
        command.Parameters.Add(OptionalHash("hash", guard.BlockHash));
        command.Parameters.Add(Typed("locked_round", NpgsqlDbType.Integer, guard.LockedRound));
        command.Parameters.Add(OptionalHash("locked_hash", guard.LockedBlockHash));
        command.Parameters.Add(Typed("recent_votes", NpgsqlDbType.Bytea, VoteCodec.Encode(guard.RecentVotes)));
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public async Task<SigningGuard?> LoadGuardAsync(string chainId, int validator, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(LoadGuardSql);
        AddValidatorKey(command, chainId, validator);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return null;
        return new SigningGuard(
            reader.GetInt64(0),
            reader.GetInt32(1),
            (SignStep)reader.GetInt16(2),
            reader.IsDBNull(3) ? null : new Hash32(reader.GetFieldValue<byte[]>(3)),
            reader.GetInt32(4),
            reader.IsDBNull(5) ? null : new Hash32(reader.GetFieldValue<byte[]>(5)),
            DecodeVotes(reader.GetFieldValue<byte[]>(6)));
    }

    /// <inheritdoc />
    public async Task IndexTransactionsAsync(string chainId, Block block, CancellationToken ct)
    {
        LedgerStoreChecks.CheckIndex(chainId, block);
        var ids = new byte[block.Transactions.Length][];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = block.Transactions[i].Id.ToArray();
        }

        await using var command = dataSource.CreateCommand(IndexSql);
        command.Parameters.Add(Typed("chain", NpgsqlDbType.Text, chainId));
        command.Parameters.Add(Typed("height", NpgsqlDbType.Bigint, block.Height));
        command.Parameters.Add(Typed("ids", NpgsqlDbType.Array | NpgsqlDbType.Bytea, ids));
        if (await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not true)
        {
            throw LedgerStoreChecks.IndexGap(chainId, block.Height, await GetIndexedHeightAsync(chainId, ct).ConfigureAwait(false));
        }
    }

    /// <inheritdoc />
    public async Task<TxLocation?> FindTransactionAsync(string chainId, Hash32 txId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(FindTransactionSql);
        command.Parameters.Add(Typed("chain", NpgsqlDbType.Text, chainId));
        command.Parameters.Add(Typed("id", NpgsqlDbType.Bytea, txId.ToArray()));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? new TxLocation(reader.GetInt64(0), reader.GetInt32(1)) : null;
    }

    /// <inheritdoc />
    public async Task<long> GetIndexedHeightAsync(string chainId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(IndexedHeightSql);
        command.Parameters.Add(Typed("chain", NpgsqlDbType.Text, chainId));
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private async Task<Hash32?> StoredHashAsync(string chainId, int validator, long height, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(StoredHashSql);
        AddValidatorKey(command, chainId, validator);
        command.Parameters.Add(Typed("height", NpgsqlDbType.Bigint, height));
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is byte[] hash ? new Hash32(hash) : null;
    }

    private async Task<List<FinalizedBlock>> ReadPageAsync(string chainId, int validator, long fromHeight, int limit, CancellationToken ct)
    {
        var page = new List<FinalizedBlock>();
        await using var command = dataSource.CreateCommand(ReadBlocksSql);
        AddValidatorKey(command, chainId, validator);
        command.Parameters.Add(Typed("height", NpgsqlDbType.Bigint, fromHeight));
        command.Parameters.Add(Typed("limit", NpgsqlDbType.Integer, limit));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            page.Add(LedgerStoreChecks.DecodeStored(
                chainId, validator, reader.GetInt64(0), new Hash32(reader.GetFieldValue<byte[]>(1)),
                reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3)));
        }

        return page;
    }

    /// <inheritdoc />
    public async Task SaveSnapshotAsync(string chainId, int validator, long height, byte[] state, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var command = dataSource.CreateCommand(SaveSnapshotSql);
        AddValidatorKey(command, chainId, validator);
        command.Parameters.Add(Typed("height", NpgsqlDbType.Bigint, height));
        command.Parameters.Add(Typed("state", NpgsqlDbType.Bytea, state));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StoredSnapshot?> LoadSnapshotAsync(string chainId, int validator, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(LoadSnapshotSql);
        AddValidatorKey(command, chainId, validator);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? new StoredSnapshot(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)) : null;
    }

    private static ImmutableArray<Vote> DecodeVotes(byte[] bytes)
    {
        try
        {
            return VoteCodec.Decode(bytes);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException("A stored signing guard's recent votes do not decode.", e);
        }
    }

    private static void AddValidatorKey(NpgsqlCommand command, string chainId, int validator)
    {
        command.Parameters.Add(Typed("chain", NpgsqlDbType.Text, chainId));
        command.Parameters.Add(Typed("validator", NpgsqlDbType.Integer, validator));
    }

    private static NpgsqlParameter<T> Typed<T>(string name, NpgsqlDbType type, T value) => new(name, type) { TypedValue = value };

    private static NpgsqlParameter OptionalHash(string name, Hash32? hash) =>
        new(name, NpgsqlDbType.Bytea) { Value = hash is { } value ? value.ToArray() : DBNull.Value };
}
