using Ainur.Grains.Security;
using Ainur.Grains.Tests.Storage;
using Ainur.Testing;
using CsCheck;
using Npgsql;

namespace Ainur.Grains.Tests.Security;

/// <summary>
/// <see cref="PostgresSeenSignatureStore"/> group-commits its records: many calls become one statement, with the same
/// answers as if each record had been written on its own, one after another in the order the calls came.
/// </summary>
public sealed class SeenSignatureGroupCommitTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncDisposable
{
    private static readonly DateTimeOffset Past = DateTimeOffset.UtcNow.AddHours(-1);
    private static readonly DateTimeOffset Future = DateTimeOffset.UtcNow.AddHours(1);

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryRecord_ManyConcurrentDistinct_EachRecordedOnce()
    {
        await using var store = new PostgresSeenSignatureStore(_dataSource);
        var records = Enumerable.Range(0, 2000).Select(_ => (Hash: NewHash(), Request: Guid.NewGuid())).ToArray();

        var results = await Task.WhenAll(records.Select(r => Task.Run(async () => await store.TryRecordAsync(r.Hash, Future, r.Request, Ct), Ct)));

        Assert.All(results, Assert.True);
        var rows = await RowsAsync(records.Select(r => r.Hash));
        Assert.Equal(records.Length, rows.Count);
        Assert.All(records, r => Assert.Equal(r.Request, rows[Convert.ToHexString(r.Hash)]));
        var replays = await Task.WhenAll(records.Select(r => Task.Run(async () => await store.TryRecordAsync(r.Hash, Future, Guid.NewGuid(), Ct), Ct)));
        Assert.All(replays, Assert.False);
    }

    [Fact]
    public async Task TryRecord_SameHashConcurrentlyManyTimes_ExactlyOneTrue_AndItsRequestIsStored()
    {
        await using var store = new PostgresSeenSignatureStore(_dataSource);
        var hash = NewHash();
        var requests = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();

        var results = await Task.WhenAll(requests.Select(r => Task.Run(async () => await store.TryRecordAsync(hash, Future, r, Ct), Ct)));

        var winner = Assert.Single(requests.Where((_, i) => results[i]));
        Assert.Equal(winner, (await RowsAsync([hash]))[Convert.ToHexString(hash)]);
    }

    [Fact]
    public async Task TryRecord_SameRequestConcurrentlyManyTimes_AllTrue()
    {
        await using var store = new PostgresSeenSignatureStore(_dataSource);
        var hash = NewHash();
        var request = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await store.TryRecordAsync(hash, Future, request, Ct), Ct)));

        Assert.All(results, Assert.True);
    }

    /// <summary>
    /// Both commit slots are held on a row lock while the calls queue, so they all go out together as one batch
    /// (a hash already in it waits for the next): takeover and re-record are decided per row within one statement.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public async Task TryRecord_ExpiredTakeoverAndSameRequest_InOneBatch()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = new PostgresSeenSignatureStore(_dataSource);
        var (expired, live, first) = (NewHash(), NewHash(), Guid.NewGuid());
        Assert.True(await store.TryRecordAsync(expired, Past, Guid.NewGuid(), ct));
        Assert.True(await store.TryRecordAsync(live, Future, first, ct));
        var takeover = Guid.NewGuid();
        var fresh = Enumerable.Range(0, 100).Select(_ => NewHash()).ToArray();

        Task<bool>[] calls;
        await using (await HoldBothSlotsAsync(store))
        {
            calls =
            [
                store.TryRecordAsync(expired, Future, takeover, ct).AsTask(),         // expired: taken over
                store.TryRecordAsync(live, Future, first, ct).AsTask(),               // the same request again
                store.TryRecordAsync(live, Future, Guid.NewGuid(), ct).AsTask(),      // a replay, held for the next batch
                store.TryRecordAsync(expired, Future, Guid.NewGuid(), ct).AsTask(),   // a replay of the takeover, likewise
                .. fresh.Select(h => store.TryRecordAsync(h, Future, Guid.NewGuid(), ct).AsTask()),
            ];
        }

        var results = await Task.WhenAll(calls);

        Assert.Equal(new[] { true, true, false, false }, results[..4]);
        Assert.All(results[4..], Assert.True);
        var rows = await RowsAsync([expired, live]);
        Assert.Equal(takeover, rows[Convert.ToHexString(expired)]);
        Assert.Equal(first, rows[Convert.ToHexString(live)]);
    }

    /// <summary>
    /// Calls made in order on one thread are queued in that order, so whatever batches they land in, each must answer
    /// as the same records written one after another: first use or same request or expired record true, else false.
    /// </summary>
    [Fact]
    public async Task TryRecord_AnySequence_AnswersAsIfRecordedOneAfterAnother()
    {
        await using var store = new PostgresSeenSignatureStore(_dataSource);
        var ops = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 2], Gen.Bool, (hash, request, expired) => new Op(hash, request, expired)).Array[1, 80];

        await ops.SampleAsync(async sequence =>
        {
            var hashes = Enumerable.Range(0, 6).Select(_ => NewHash()).ToArray();
            var requests = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();

            var calls = sequence.Select(o => store.TryRecordAsync(hashes[o.Hash], o.Expired ? Past : Future, requests[o.Request], Ct).AsTask()).ToArray();
            var results = await Task.WhenAll(calls);

            var (expected, holders) = OneAfterAnother(sequence);
            Assert.Equal(expected, results);
            var rows = await RowsAsync(hashes);
            foreach (var (hash, holder) in holders)
            {
                // A purge (every 1024 records, any test's) may have deleted an expired record, never a live one.
                if (rows.TryGetValue(Convert.ToHexString(hashes[hash]), out var stored) || !holder.Expired)
                {
                    Assert.Equal(requests[holder.Request], stored);
                }
            }
        }, iter: 200);
    }

    [Fact(Timeout = 120_000)]
    public async Task TryRecord_WhenTheServerIsUnreachable_ThrowsToEveryCaller()
    {
        var ct = TestContext.Current.CancellationToken;
        // Port 1 on loopback: nothing listens, the connection is refused.
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=postgres;Timeout=5");
        await using var store = new PostgresSeenSignatureStore(unreachable);

        var calls = Enumerable.Range(0, 50).Select(_ => store.TryRecordAsync(NewHash(), Future, Guid.NewGuid(), ct).AsTask()).ToArray();

        foreach (var call in calls)
        {
            var failed = await Assert.ThrowsAsync<NpgsqlException>(() => call);
            Assert.IsAssignableFrom<NpgsqlException>(failed.InnerException);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task TryRecord_AfterTheDatabaseIsDropped_ThrowsToEveryCallerOfTheBatch()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await TestDatabase.CreateAsync(ct);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var store = new PostgresSeenSignatureStore(dataSource);
        Assert.True(await store.TryRecordAsync(NewHash(), Future, Guid.NewGuid(), ct));

        // Drops with force: the store's open connections are terminated under it.
        await database.DisposeAsync();

        var calls = Enumerable.Range(0, 50).Select(_ => store.TryRecordAsync(NewHash(), Future, Guid.NewGuid(), ct).AsTask()).ToArray();
        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<NpgsqlException>(() => call);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Stop_CommitsWhatIsQueued_ThenRefusesNewRecords()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new PostgresSeenSignatureStore(_dataSource);
        var hashes = Enumerable.Range(0, 100).Select(_ => NewHash()).ToArray();
        var calls = hashes.Select(h => store.TryRecordAsync(h, Future, Guid.NewGuid(), ct).AsTask()).ToArray();

        await store.StopAsync(ct);

        Assert.All(await Task.WhenAll(calls), Assert.True);
        Assert.Equal(hashes.Length, (await RowsAsync(hashes)).Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.TryRecordAsync(NewHash(), Future, Guid.NewGuid(), ct));
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static byte[] NewHash() => [.. Guid.NewGuid().ToByteArray(), .. Guid.NewGuid().ToByteArray()];

    /// <summary>The model: each answer, and for each hash recorded, the record that holds it at the end.</summary>
    private static (bool[] Answers, Dictionary<int, Op> Holders) OneAfterAnother(Op[] sequence)
    {
        var held = new Dictionary<int, Op>();
        var answers = new bool[sequence.Length];
        for (var i = 0; i < sequence.Length; i++)
        {
            var op = sequence[i];
            answers[i] = !held.TryGetValue(op.Hash, out var existing) || existing.Expired || existing.Request == op.Request;
            if (answers[i])
            {
                held[op.Hash] = op;
            }
        }

        return (answers, held);
    }

    /// <summary>
    /// Sends one record per commit slot of <paramref name="store"/> that waits on a row this test inserted and has not
    /// committed; disposing rolls that back and lets them finish. Returns once both wait, so calls made meanwhile queue.
    /// </summary>
    private async Task<IAsyncDisposable> HoldBothSlotsAsync(PostgresSeenSignatureStore store)
    {
        var blocker = await _dataSource.OpenConnectionAsync(Ct);
        var transaction = await blocker.BeginTransactionAsync(Ct);
        var blocked = new List<Task<bool>>();
        for (var slot = 1; slot <= 2; slot++)
        {
            var hash = NewHash();
            await using (var insert = new NpgsqlCommand("insert into ainur_seen_signatures values (@h, @e, @r)", blocker, transaction))
            {
                insert.Parameters.AddWithValue("h", hash);
                insert.Parameters.AddWithValue("e", Future);
                insert.Parameters.AddWithValue("r", Guid.NewGuid());
                await insert.ExecuteNonQueryAsync(Ct);
            }

            blocked.Add(store.TryRecordAsync(hash, Future, Guid.NewGuid(), Ct).AsTask());
            await WaitForLockWaitersAsync(slot);
        }

        return new Release(async () =>
        {
            await transaction.RollbackAsync(Ct);
            await blocker.DisposeAsync();
            Assert.All(await Task.WhenAll(blocked), Assert.True);
        });
    }

    private async Task WaitForLockWaitersAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var command = _dataSource.CreateCommand(
                "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
            if ((long)(await command.ExecuteScalarAsync(Ct))! >= count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The store's batches never waited on the held rows ({count} expected).");
            await Task.Delay(10, Ct);
        }
    }

    /// <summary>Each stored hash (hex) of <paramref name="hashes"/> with the request that holds it.</summary>
    private async Task<Dictionary<string, Guid>> RowsAsync(IEnumerable<byte[]> hashes)
    {
        await using var command = _dataSource.CreateCommand("select signature_hash, request_id from ainur_seen_signatures where signature_hash = any(@h)");
        command.Parameters.AddWithValue("h", hashes.ToArray());
        var rows = new Dictionary<string, Guid>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(Convert.ToHexString(reader.GetFieldValue<byte[]>(0)), reader.GetGuid(1));
        }

        return rows;
    }

    private readonly record struct Op(int Hash, int Request, bool Expired);

    private sealed class Release(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }
}
