using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Ainur.Grains.Tests.Storage;

[GenerateSerializer, Alias("ainur.tests.CounterState")]
public sealed class CounterState
{
    [Id(0)] public int Value { get; set; }
}

/// <summary>The unmodified Orleans ADO.NET grain storage against Ainur's schema (contract §2, §5 items 8-9).</summary>
public sealed class GrainStorageTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly ServiceProvider SerializationServices = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly string _serviceId = $"service-{Guid.NewGuid():N}";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> KeyKinds => ["string", "guid", "guid+ext", "int", "int+ext"];

    [Theory, MemberData(nameof(KeyKinds))]
    public async Task Read_WhenMissing_GivesDefaultStateAndNullETag(string keyKind)
    {
        var storage = await CreateStorageAsync();

        var state = await ReadAsync(storage, GrainIdOf(keyKind));

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State!.Value);
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public async Task Write_Twice_GivesETagsOneThenTwoAndReadsBack(string keyKind)
    {
        var storage = await CreateStorageAsync();
        var id = GrainIdOf(keyKind);
        var state = new GrainState<CounterState>(new CounterState { Value = 1 });

        await storage.WriteStateAsync("counter", id, state, Ct);
        Assert.Equal("1", state.ETag);
        state.State!.Value = 2;
        await storage.WriteStateAsync("counter", id, state, Ct);
        Assert.Equal("2", state.ETag);
        Assert.True(state.RecordExists);

        var read = await ReadAsync(storage, id);
        Assert.Equal("2", read.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal(2, read.State!.Value);
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public async Task Write_WithStaleETag_ThrowsInconsistentState(string keyKind)
    {
        var storage = await CreateStorageAsync();
        var id = GrainIdOf(keyKind);
        var state = new GrainState<CounterState>(new CounterState());
        await storage.WriteStateAsync("counter", id, state, Ct);
        var stale = new GrainState<CounterState>(new CounterState { Value = 9 }) { ETag = state.ETag };
        await storage.WriteStateAsync("counter", id, state, Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", id, stale, Ct));

        Assert.Equal("1", stale.ETag);
        Assert.Equal(0, (await ReadAsync(storage, id)).State!.Value);
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public async Task Write_WithNullETagOverExistingRow_ThrowsInconsistentState(string keyKind)
    {
        var storage = await CreateStorageAsync();
        var id = GrainIdOf(keyKind);
        await storage.WriteStateAsync("counter", id, new GrainState<CounterState>(new CounterState { Value = 1 }), Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync("counter", id, new GrainState<CounterState>(new CounterState { Value = 2 }), Ct));

        var read = await ReadAsync(storage, id);
        Assert.Equal("1", read.ETag);
        Assert.Equal(1, read.State!.Value);
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public async Task Write_UnderAnotherStateName_IsSeparateRow(string keyKind)
    {
        var storage = await CreateStorageAsync();
        var id = GrainIdOf(keyKind);
        await storage.WriteStateAsync("counter", id, new GrainState<CounterState>(new CounterState { Value = 1 }), Ct);

        var other = new GrainState<CounterState>(new CounterState { Value = 7 });
        await storage.WriteStateAsync("other", id, other, Ct);

        Assert.Equal("1", other.ETag);
        Assert.Equal(1, (await ReadAsync(storage, id)).State!.Value);
        Assert.Equal(7, (await ReadAsync(storage, id, "other")).State!.Value);
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public async Task Clear_AfterTwoWrites_KeepsRowWithVersionThreeAndDefaultState(string keyKind)
    {
        var storage = await CreateStorageAsync();
        var id = GrainIdOf(keyKind);
        var state = new GrainState<CounterState>(new CounterState { Value = 5 });
        await storage.WriteStateAsync("counter", id, state, Ct);
        await storage.WriteStateAsync("counter", id, state, Ct);

        await storage.ClearStateAsync("counter", id, state, Ct);

        Assert.Equal("3", state.ETag);
        Assert.False(state.RecordExists);
        var read = await ReadAsync(storage, id);
        Assert.Equal("3", read.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal(0, read.State!.Value);
        Assert.Equal(1L, await CountRowsAsync());

        await storage.WriteStateAsync("counter", id, read, Ct);
        Assert.Equal("4", read.ETag);
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public async Task Clear_WithStaleETag_ThrowsInconsistentState(string keyKind)
    {
        var storage = await CreateStorageAsync();
        var id = GrainIdOf(keyKind);
        var state = new GrainState<CounterState>(new CounterState { Value = 5 });
        await storage.WriteStateAsync("counter", id, state, Ct);
        var stale = new GrainState<CounterState>(new CounterState()) { ETag = state.ETag, RecordExists = true };
        await storage.WriteStateAsync("counter", id, state, Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("counter", id, stale, Ct));

        Assert.Equal(5, (await ReadAsync(storage, id)).State!.Value);
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public async Task Write_ConcurrentFirstWrites_ExactlyOneSucceeds(string keyKind)
    {
        var storage = await CreateStorageAsync();
        var id = GrainIdOf(keyKind);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => Task.Run(async () =>
        {
            try
            {
                await storage.WriteStateAsync("counter", id, new GrainState<CounterState>(new CounterState { Value = i }), Ct);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }, Ct)));

        Assert.Single(outcomes, o => o);
        Assert.Equal(1L, await CountRowsAsync());
        Assert.Equal("1", (await ReadAsync(storage, id)).ETag);
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public async Task Clear_WithDeleteStateOnClear_RemovesRowAndRestartsAtOne(string keyKind)
    {
        var storage = await CreateStorageAsync(deleteStateOnClear: true);
        var id = GrainIdOf(keyKind);
        var state = new GrainState<CounterState>(new CounterState { Value = 5 });
        await storage.WriteStateAsync("counter", id, state, Ct);
        await storage.WriteStateAsync("counter", id, state, Ct);

        await storage.ClearStateAsync("counter", id, state, Ct);

        Assert.Null(state.ETag);
        Assert.Equal(0L, await CountRowsAsync());
        await storage.WriteStateAsync("counter", id, state, Ct);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public async Task Write_SameKeyDifferentExtension_IsSeparateRow()
    {
        var storage = await CreateStorageAsync();
        var guid = Guid.NewGuid();
        await storage.WriteStateAsync("counter", GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateGuidKey(guid)),
            new GrainState<CounterState>(new CounterState { Value = 1 }), Ct);

        var withExtension = new GrainState<CounterState>(new CounterState { Value = 2 });
        await storage.WriteStateAsync("counter", GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateGuidKey(guid, "x")),
            withExtension, Ct);

        Assert.Equal("1", withExtension.ETag);
        Assert.Equal(2L, await CountRowsAsync());
    }

    private static GrainId GrainIdOf(string keyKind)
    {
        var type = GrainType.Create("counter");
        return keyKind switch
        {
            "string" => GrainId.Create(type, $"key-{Guid.NewGuid():N}"),
            "guid" => GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid())),
            "guid+ext" => GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid(), "ext")),
            "int" => GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(Random.Shared.NextInt64())),
            "int+ext" => GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(Random.Shared.NextInt64(), "ext")),
            _ => throw new ArgumentOutOfRangeException(nameof(keyKind), keyKind, null),
        };
    }

    private static async Task<GrainState<CounterState>> ReadAsync(IGrainStorage storage, GrainId id, string stateName = "counter")
    {
        var state = new GrainState<CounterState>(new CounterState { Value = -1 });
        await storage.ReadStateAsync(stateName, id, state, Ct);
        return state;
    }

    private async Task<AdoNetGrainStorage> CreateStorageAsync(bool deleteStateOnClear = false)
    {
        var options = new AdoNetGrainStorageOptions
        {
            Invariant = "Npgsql",
            ConnectionString = fixture.Database.ConnectionString,
            GrainStorageSerializer = new OrleansGrainStorageSerializer(SerializationServices.GetRequiredService<Serializer>()),
            HashPicker = new StorageHasherPicker([new OrleansDefaultHasher()]),
            DeleteStateOnClear = deleteStateOnClear,
        };
        var storage = new AdoNetGrainStorage(
            SerializationServices.GetRequiredService<IActivatorProvider>(), NullLogger<AdoNetGrainStorage>.Instance,
            Options.Create(options), Options.Create(new ClusterOptions { ClusterId = "c", ServiceId = _serviceId }), "test");
        // The provider loads its queries when the silo lifecycle starts it.
        var lifecycle = new StartOnlyLifecycle();
        storage.Participate(lifecycle);
        await lifecycle.StartAsync(Ct);
        return storage;
    }

    private async Task<long> CountRowsAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("select count(*) from orleans_storage where service_id = @s", connection);
        command.Parameters.AddWithValue("s", _serviceId);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>Just enough of a silo lifecycle to run the observers' start steps in stage order.</summary>
    private sealed class StartOnlyLifecycle : ISiloLifecycle
    {
        private readonly List<(int Stage, ILifecycleObserver Observer)> _observers = [];

        public int HighestCompletedStage { get; private set; }

        public int LowestStoppedStage => int.MaxValue;

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            _observers.Add((stage, observer));
            return new NoOpDisposable();
        }

        public async Task StartAsync(CancellationToken ct)
        {
            foreach (var (stage, observer) in _observers.OrderBy(o => o.Stage))
            {
                await observer.OnStart(ct);
                HighestCompletedStage = stage;
            }
        }

        private sealed class NoOpDisposable : IDisposable
        {
            public void Dispose() { }
        }
    }
}
