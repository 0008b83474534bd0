using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ainur.Grains.Storage.GroupCommit;
using Ainur.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Ainur.Grains.Tests.Storage.GroupCommit;

/// <summary>
/// One group-commit store registered as a silo registers it (<c>AddAinurGroupCommitStorage</c>), in a service
/// provider of its own: disposing it stops the store. Opening another on the same database is a "new instance".
/// </summary>
internal sealed class GroupCommitStore : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private GroupCommitStore(ServiceProvider services, string name, string connectionString, string serviceId)
    {
        _services = services;
        Name = name;
        ConnectionString = connectionString;
        ServiceId = serviceId;
        Storage = services.GetRequiredKeyedService<IGrainStorage>(name);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public string ServiceId { get; }

    public IGrainStorage Storage { get; }

    public GroupCommitGrainStorage Provider => (GroupCommitGrainStorage)Storage;

    public static GroupCommitStore Open(
        string connectionString, string serviceId, string name,
        int maxBatchSize = GroupCommitStorageOptions.DefaultMaxBatchSize, int maxInFlight = GroupCommitStorageOptions.DefaultMaxBatchesInFlight)
    {
        var services = new ServiceCollection()
            .AddSerializer()
            .AddLogging()
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("tests", serviceId))
            .AddAinurGroupCommitStorage(name, connectionString, o => (o.MaxBatchSize, o.MaxBatchesInFlight) = (maxBatchSize, maxInFlight))
            .BuildServiceProvider();
        return new GroupCommitStore(services, name, connectionString, serviceId);
    }

    /// <summary>Another instance of the same store (same database, service and name), sharing nothing with this one.</summary>
    public GroupCommitStore Reopen() => Open(ConnectionString, ServiceId, Name);

    public static GrainId GrainIdOf(string key) => GrainId.Create(GrainType.Create("counter"), key);

    public async Task WriteAsync(GrainId id, GrainState<CounterState> state) =>
        await Storage.WriteStateAsync("counter", id, state, TestContext.Current.CancellationToken);

    public async Task<GrainState<CounterState>> ReadAsync(GrainId id)
    {
        var state = new GrainState<CounterState>(new CounterState { Value = -1 }) { ETag = "stale", RecordExists = true };
        await Storage.ReadStateAsync("counter", id, state, TestContext.Current.CancellationToken);
        return state;
    }

    /// <summary>Rows of this service and store in <c>ainur_grain_state</c>, tombstones included.</summary>
    public async Task<long> CountRowsAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("select count(*) from ainur_grain_state where service_id = @s and store = @n", connection);
        command.Parameters.AddWithValue("s", ServiceId);
        command.Parameters.AddWithValue("n", Name);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>Sizes of the write batches one store committed, as its metrics report them.</summary>
internal sealed class BatchSizes : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<long> _rows = new();

    public BatchSizes(string store)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GroupCommitMetrics.MeterName && instrument.Name == GroupCommitMetrics.BatchRows)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, rows, tags, _) =>
        {
            string? storeTag = null, operation = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "store") storeTag = tag.Value as string;
                if (tag.Key == "operation") operation = tag.Value as string;
            }

            if (storeTag == store && operation == "write") _rows.Enqueue(rows);
        });
        _listener.Start();
    }

    public IReadOnlyCollection<long> Rows => _rows.ToArray();

    public void Dispose() => _listener.Dispose();
}
