using Ainur.Protocol.Hashing;
using Npgsql;

namespace Ainur.Grains.Modules;

/// <summary><see cref="IModuleStore"/> over the <c>ainur_wasm_modules</c> table (migration 0008).</summary>
public sealed class PostgresModuleStore(NpgsqlDataSource dataSource) : IModuleStore
{
    /// <inheritdoc/>
    public async Task<bool> PutAsync(Hash32 hash, byte[] bytes, string uploadedBy, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "insert into ainur_wasm_modules (hash, bytes, uploaded_by) values ($1, $2, $3) on conflict (hash) do nothing");
        command.Parameters.AddWithValue(hash.ToArray());
        command.Parameters.AddWithValue(bytes);
        command.Parameters.AddWithValue(uploadedBy);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async Task<StoredModule?> GetAsync(Hash32 hash, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "select bytes, uploaded_by, uploaded_at, nondeterministic_detail from ainur_wasm_modules where hash = $1");
        command.Parameters.AddWithValue(hash.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new StoredModule(hash, reader.GetFieldValue<byte[]>(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
            await reader.IsDBNullAsync(3, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(3));
    }

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(Hash32 hash, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select 1 from ainur_wasm_modules where hash = $1");
        command.Parameters.AddWithValue(hash.ToArray());
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc/>
    public async Task MarkNonDeterministicAsync(Hash32 hash, string detail, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "update ainur_wasm_modules set nondeterministic_at = now(), nondeterministic_detail = $2 where hash = $1 and nondeterministic_at is null");
        command.Parameters.AddWithValue(hash.ToArray());
        command.Parameters.AddWithValue(detail);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
