using Ainur.Grains.Security;
using Ainur.Grains.Tests.Storage;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ainur.Grains.Tests.Security;

public sealed class PostgresSeenSignatureStoreTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryRecord_FirstThenSecondTime_TrueThenFalse()
    {
        var store = new PostgresSeenSignatureStore(_dataSource);
        var hash = NewHash();

        Assert.True(await store.TryRecordAsync(hash, DateTimeOffset.UtcNow.AddMinutes(5), Guid.NewGuid(), Ct));
        Assert.False(await store.TryRecordAsync(hash, DateTimeOffset.UtcNow.AddMinutes(5), Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task TryRecord_AfterExpiry_ReusesRowOnce()
    {
        var store = new PostgresSeenSignatureStore(_dataSource);
        var hash = NewHash();
        Assert.True(await store.TryRecordAsync(hash, DateTimeOffset.UtcNow.AddMinutes(-1), Guid.NewGuid(), Ct));

        Assert.True(await store.TryRecordAsync(hash, DateTimeOffset.UtcNow.AddMinutes(5), Guid.NewGuid(), Ct));
        Assert.False(await store.TryRecordAsync(hash, DateTimeOffset.UtcNow.AddMinutes(5), Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task TryRecord_ConcurrentSameHash_ExactlyOneTrue()
    {
        var store = new PostgresSeenSignatureStore(_dataSource);
        var hash = NewHash();
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);

        var results = await Task.WhenAll(Enumerable.Range(0, 16)
            .Select(_ => Task.Run(async () => await store.TryRecordAsync(hash, expires, Guid.NewGuid(), Ct), Ct)));

        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task TryRecord_DifferentHashes_AreIndependent()
    {
        var store = new PostgresSeenSignatureStore(_dataSource);

        Assert.True(await store.TryRecordAsync(NewHash(), DateTimeOffset.UtcNow.AddMinutes(5), Guid.NewGuid(), Ct));
        Assert.True(await store.TryRecordAsync(NewHash(), DateTimeOffset.UtcNow.AddMinutes(5), Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task PurgeExpired_RemovesOnlyExpiredRecords()
    {
        var store = new PostgresSeenSignatureStore(_dataSource);
        var expired = NewHash();
        var live = NewHash();
        await store.TryRecordAsync(expired, DateTimeOffset.UtcNow.AddMinutes(-1), Guid.NewGuid(), Ct);
        await store.TryRecordAsync(live, DateTimeOffset.UtcNow.AddMinutes(5), Guid.NewGuid(), Ct);

        Assert.True(await store.PurgeExpiredAsync(Ct) >= 1);

        Assert.Equal(0L, await CountAsync(expired));
        Assert.Equal(1L, await CountAsync(live));
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static byte[] NewHash() => Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray();

    private async Task<long> CountAsync(byte[] hash)
    {
        await using var command = _dataSource.CreateCommand("select count(*) from ainur_seen_signatures where signature_hash = @h");
        command.Parameters.AddWithValue("h", hash);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}

public sealed class InMemorySeenSignatureStoreTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryRecord_FirstThenSecondTime_TrueThenFalse()
    {
        var store = new InMemorySeenSignatureStore(_clock);

        Assert.True(await store.TryRecordAsync(new byte[] { 1, 2, 3 }, _clock.GetUtcNow().AddMinutes(5), Guid.NewGuid(), Ct));
        Assert.False(await store.TryRecordAsync(new byte[] { 1, 2, 3 }, _clock.GetUtcNow().AddMinutes(5), Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task TryRecord_AfterExpiry_ReusesRecordOnce()
    {
        var store = new InMemorySeenSignatureStore(_clock);
        Assert.True(await store.TryRecordAsync(new byte[] { 7 }, _clock.GetUtcNow().AddMinutes(5), Guid.NewGuid(), Ct));

        _clock.Advance(TimeSpan.FromMinutes(6));

        Assert.True(await store.TryRecordAsync(new byte[] { 7 }, _clock.GetUtcNow().AddMinutes(5), Guid.NewGuid(), Ct));
        Assert.False(await store.TryRecordAsync(new byte[] { 7 }, _clock.GetUtcNow().AddMinutes(5), Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task TryRecord_ConcurrentSameHash_ExactlyOneTrue()
    {
        var store = new InMemorySeenSignatureStore(_clock);
        var expires = _clock.GetUtcNow().AddMinutes(5);

        var results = await Task.WhenAll(Enumerable.Range(0, 16)
            .Select(_ => Task.Run(async () => await store.TryRecordAsync(new byte[] { 9, 9 }, expires, Guid.NewGuid(), Ct), Ct)));

        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task PurgeExpired_RemovesOnlyExpiredRecords()
    {
        var store = new InMemorySeenSignatureStore(_clock);
        await store.TryRecordAsync(new byte[] { 1 }, _clock.GetUtcNow().AddMinutes(1), Guid.NewGuid(), Ct);
        await store.TryRecordAsync(new byte[] { 2 }, _clock.GetUtcNow().AddMinutes(10), Guid.NewGuid(), Ct);
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(1, store.PurgeExpired());

        Assert.Equal(1, store.Count);
        Assert.False(await store.TryRecordAsync(new byte[] { 2 }, _clock.GetUtcNow().AddMinutes(10), Guid.NewGuid(), Ct));
    }
}
