using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Ainur.Grains.Storage.GroupCommit;

/// <summary>
/// Grain storage on PostgreSQL that group-commits: each write is serialized by the caller, queued, and committed
/// with whatever else is pending in ONE statement (up to <see cref="GroupCommitStorageOptions.MaxBatchSize"/> rows),
/// so a durable commit (one WAL flush) is shared by hundreds of grains instead of paid by each. Reads are batched the
/// same way on a loop of their own.
/// </summary>
/// <remarks>
/// <para>Rows live in <c>ainur_grain_state</c>, keyed by ServiceId, store name, state name and grain id, so stores and
/// services never see each other's rows. The etag is the row's version as text: 1 after the first write, one more per
/// write or clear. A clear keeps the row with no payload (a tombstone), so versions keep growing.</para>
/// <para>A write whose etag is not the stored version (for no etag: a row exists) fails with
/// <see cref="InconsistentStateException"/> and changes nothing. When the statement itself fails (connection lost,
/// database down), every caller of that batch gets an exception and the outcome is unknown: the write may be stored.
/// The next write's version check then tells; the grain re-reads. Cancellation is honoured until the operation is
/// queued, not after: a queued write may still be committed.</para>
/// </remarks>
public sealed partial class GroupCommitGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private readonly string _name;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly GroupCommitMetrics _metrics;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _dataSource;
    private readonly BatchLoop<PendingWrite, StateKey> _writes;
    private readonly BatchLoop<PendingRead, StateKey> _reads;
    private int _stopped;

    /// <summary>Opens the store and starts its loops; rows are those of <paramref name="serviceId"/> and store <paramref name="name"/>.</summary>
    public GroupCommitGrainStorage(
        string name,
        GroupCommitStorageOptions options,
        string serviceId,
        IGrainStorageSerializer serializer,
        IActivatorProvider activators,
        GroupCommitMetrics metrics,
        ILogger<GroupCommitGrainStorage> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _name = name;
        _serializer = serializer;
        _activators = activators;
        _metrics = metrics;
        _logger = logger;
        _dataSource = StatementDataSource.Create(options.ConnectionString);
        var table = new GrainStateTable(_dataSource, serviceId, name);
        _writes = new BatchLoop<PendingWrite, StateKey>(options.MaxBatchSize, options.MaxBatchesInFlight, Measured<PendingWrite>("write", table.WriteAsync), (e, rows) => LogBatchFailed(e, _name, "write", rows));
        _reads = new BatchLoop<PendingRead, StateKey>(options.MaxBatchSize, options.MaxBatchesInFlight, Measured<PendingRead>("read", table.ReadAsync), (e, rows) => LogBatchFailed(e, _name, "read", rows));
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var read = new PendingRead(KeyOf(stateName, grainId));
        Enqueue(_reads, read, cancellationToken);
        var row = await read.Task.ConfigureAwait(false);

        grainState.State = row?.Payload is { } payload ? _serializer.Deserialize<T>(payload) : NewState<T>();
        grainState.ETag = row is null ? null : ETagOf(row.Version);
        grainState.RecordExists = row?.Payload is not null;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = Bytes(_serializer.Serialize(grainState.State));
        grainState.ETag = await CommitAsync(KeyOf(stateName, grainId), payload, grainState.ETag, cancellationToken).ConfigureAwait(false);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        grainState.ETag = await CommitAsync(KeyOf(stateName, grainId), null, grainState.ETag, cancellationToken).ConfigureAwait(false);
        grainState.State = NewState<T>();
        grainState.RecordExists = false;
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);

        // Stops after the silo has deactivated its grains (a later stage stops first), so their last writes get in.
        lifecycle.Subscribe($"{nameof(GroupCommitGrainStorage)}-{_name}", ServiceLifecycleStage.RuntimeStorageServices, _ => Task.CompletedTask, StopAsync);
    }

    /// <summary>
    /// Takes no more operations, commits those already queued, and closes the connections. When
    /// <paramref name="cancellationToken"/> fires first, the operations not yet committed fail. Idempotent.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await Task.WhenAll(_writes.StopAsync(cancellationToken), _reads.StopAsync(cancellationToken)).ConfigureAwait(false);
        _writes.Dispose();
        _reads.Dispose();
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task<string> CommitAsync(StateKey key, byte[]? payload, string? etag, CancellationToken cancellationToken)
    {
        var write = new PendingWrite(key, payload, ExpectedVersion(key, etag));
        Enqueue(_writes, write, cancellationToken);
        return ETagOf(await write.Task.ConfigureAwait(false));
    }

    private void Enqueue<TItem>(BatchLoop<TItem, StateKey> loop, TItem item, CancellationToken cancellationToken) where TItem : class, IPendingOperation<StateKey>
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!loop.TryEnqueue(item))
        {
            throw new ObjectDisposedException(nameof(GroupCommitGrainStorage), $"Grain storage '{_name}' has stopped.");
        }
    }

    private Func<List<TItem>, CancellationToken, Task> Measured<TItem>(string operation, Func<List<TItem>, CancellationToken, Task> run) =>
        async (batch, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await run(batch, ct).ConfigureAwait(false);
            }
            finally
            {
                _metrics.Batch(_name, operation, batch.Count, Stopwatch.GetElapsedTime(started));
            }
        };

    private static StateKey KeyOf(string stateName, GrainId grainId)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        return new StateKey(stateName, grainId.ToString());
    }

    /// <summary>0 for no etag (no row expected); otherwise the version the etag names.</summary>
    private int ExpectedVersion(StateKey key, string? etag)
    {
        if (etag is null)
        {
            return 0;
        }

        return int.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw new InconsistentStateException(
                $"State '{key.StateName}' of grain {key.GrainId} carries etag '{etag}', which store '{_name}' never issued.", "unknown", etag);
    }

    private static string ETagOf(int version) => version.ToString(CultureInfo.InvariantCulture);

    private T NewState<T>() => _activators.GetActivator<T>().Create();

    // The Orleans serializer hands back a whole array; copying it again would be waste.
    private static byte[] Bytes(BinaryData data) =>
        MemoryMarshal.TryGetArray(data.ToMemory(), out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : data.ToArray();
}
