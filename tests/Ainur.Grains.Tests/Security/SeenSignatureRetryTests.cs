using Ainur.Grains.Security;
using Ainur.Testing;
using Npgsql;

namespace Ainur.Grains.Tests.Security;

/// <summary>The replay guard's request id: a retried record of the same request is accepted, another request is still a replay.</summary>
public sealed class SeenSignatureRetryTests
{
    [Fact]
    public async Task Postgres_SameRequestAgain_IsTrue_OtherRequest_IsFalse()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateAsync(ct);
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        await AssertRetrySafeAsync(new PostgresSeenSignatureStore(dataSource), ct);
    }

    [Fact]
    public async Task InMemory_SameRequestAgain_IsTrue_OtherRequest_IsFalse() =>
        await AssertRetrySafeAsync(new InMemorySeenSignatureStore(), TestContext.Current.CancellationToken);

    private static async Task AssertRetrySafeAsync(ISeenSignatureStore store, CancellationToken ct)
    {
        var hash = Guid.NewGuid().ToByteArray();
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);
        var request = Guid.NewGuid();

        Assert.True(await store.TryRecordAsync(hash, expires, request, ct));
        Assert.True(await store.TryRecordAsync(hash, expires, request, ct));            // the gateway's retry
        Assert.False(await store.TryRecordAsync(hash, expires, Guid.NewGuid(), ct));    // a replay
        Assert.True(await store.TryRecordAsync(hash, expires, request, ct));            // still the first request's
    }
}
