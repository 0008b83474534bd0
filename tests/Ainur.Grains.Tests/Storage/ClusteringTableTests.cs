using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;

namespace Ainur.Grains.Tests.Storage;

/// <summary>The unmodified Orleans ADO.NET clustering provider against Ainur's schema (contract §1, §5 items 1-7).</summary>
public sealed class ClusteringTableTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly DateTime T0 = new(2026, 11, 26, 12, 0, 0, 123, DateTimeKind.Utc);
    private readonly string _clusterId = $"cluster-{Guid.NewGuid():N}";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InitializeMembershipTable_Twice_SucceedsWithNoMembersAndVersionZero()
    {
        var table = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(true, Ct);

        var data = await table.ReadAllAsync(Ct);

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
    }

    [Fact]
    public async Task InsertRow_WithNextVersion_InsertsAndBumpsVersion()
    {
        var table = await CreateTableAsync();
        var entry = Entry(1, SiloStatus.Joining, proxyPort: 30001);

        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));

        var data = await table.ReadAllAsync(Ct);
        Assert.Equal(1, data.Version.Version);
        var (stored, etag) = Assert.Single(data.Members);
        Assert.Equal("1", etag);
        AssertSameEntry(entry, stored);
    }

    [Fact]
    public async Task InsertRow_WithStaleVersion_ReturnsFalseAndChangesNothing()
    {
        var table = await CreateTableAsync();
        var next = (await table.ReadAllAsync(Ct)).Version.Next();
        Assert.True(await table.InsertRowAsync(Entry(1), next, Ct));

        Assert.False(await table.InsertRowAsync(Entry(2), next, Ct));

        var data = await table.ReadAllAsync(Ct);
        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact]
    public async Task InsertRow_DuplicateSiloWithFreshVersion_ReturnsFalseAndKeepsVersion()
    {
        var table = await CreateTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(1), (await table.ReadAllAsync(Ct)).Version.Next(), Ct));

        Assert.False(await table.InsertRowAsync(Entry(1, SiloStatus.Active), (await table.ReadAllAsync(Ct)).Version.Next(), Ct));

        var data = await table.ReadAllAsync(Ct);
        Assert.Equal(1, data.Version.Version);
        Assert.Equal(SiloStatus.Joining, Assert.Single(data.Members).Item1.Status);
    }

    [Fact]
    public async Task InsertRow_ConcurrentWithSameVersion_ExactlyOneWins()
    {
        var table = await CreateTableAsync();
        var next = (await table.ReadAllAsync(Ct)).Version.Next();

        var results = await Task.WhenAll(Enumerable.Range(1, 8)
            .Select(i => Task.Run(() => table.InsertRowAsync(Entry(i), next, Ct), Ct)));

        Assert.Single(results, r => r);
        var data = await table.ReadAllAsync(Ct);
        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact]
    public async Task UpdateRow_WithCurrentVersion_UpdatesAndBumpsVersion()
    {
        var table = await CreateTableAsync();
        var entry = Entry(1);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var data = await table.ReadAllAsync(Ct);

        entry.Status = SiloStatus.Active;
        entry.IAmAliveTime = T0.AddMinutes(1);
        Assert.True(await table.UpdateRowAsync(entry, data.Members[0].Item2, data.Version.Next(), Ct));

        var after = await table.ReadAllAsync(Ct);
        Assert.Equal(2, after.Version.Version);
        AssertSameEntry(entry, Assert.Single(after.Members).Item1);
    }

    [Fact]
    public async Task UpdateRow_WithStaleVersion_ReturnsFalseAndChangesNothing()
    {
        var table = await CreateTableAsync();
        var entry = Entry(1);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var stale = await table.ReadAllAsync(Ct);
        entry.Status = SiloStatus.Active;
        Assert.True(await table.UpdateRowAsync(entry, stale.Members[0].Item2, stale.Version.Next(), Ct));

        entry.Status = SiloStatus.Dead;
        Assert.False(await table.UpdateRowAsync(entry, stale.Members[0].Item2, stale.Version.Next(), Ct));

        var data = await table.ReadAllAsync(Ct);
        Assert.Equal(2, data.Version.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(data.Members).Item1.Status);
    }

    [Fact]
    public async Task UpdateRow_ForUnknownSilo_ReturnsFalseAndKeepsVersion()
    {
        var table = await CreateTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(1), (await table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var data = await table.ReadAllAsync(Ct);

        Assert.False(await table.UpdateRowAsync(Entry(2, SiloStatus.Active), data.Members[0].Item2, data.Version.Next(), Ct));

        var after = await table.ReadAllAsync(Ct);
        Assert.Equal(1, after.Version.Version);
        Assert.Equal(SiloStatus.Joining, Assert.Single(after.Members).Item1.Status);
    }

    [Fact]
    public async Task UpdateRow_ConcurrentWithSameVersion_ExactlyOneWins()
    {
        var table = await CreateTableAsync();
        var entries = Enumerable.Range(1, 4).Select(i => Entry(i)).ToArray();
        foreach (var entry in entries) await InsertAsync(table, entry);
        var data = await table.ReadAllAsync(Ct);

        var results = await Task.WhenAll(entries.Select(entry => Task.Run(() =>
        {
            entry.Status = SiloStatus.Active;
            return table.UpdateRowAsync(entry, data.Version.VersionEtag, data.Version.Next(), Ct);
        }, Ct)));

        Assert.Single(results, r => r);
        var after = await table.ReadAllAsync(Ct);
        Assert.Equal(data.Version.Version + 1, after.Version.Version);
        Assert.Single(after.Members, m => m.Item1.Status == SiloStatus.Active);
    }

    [Fact]
    public async Task UpdateIAmAlive_ChangesOnlyHeartbeatAndKeepsVersion()
    {
        var table = await CreateTableAsync();
        var entry = Entry(1);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));

        entry.IAmAliveTime = T0.AddMinutes(5);
        entry.Status = SiloStatus.Dead;   // must be ignored: a heartbeat carries only the time
        await table.UpdateIAmAliveAsync(entry, Ct);

        var data = await table.ReadAllAsync(Ct);
        Assert.Equal(1, data.Version.Version);
        var stored = Assert.Single(data.Members).Item1;
        Assert.Equal(T0.AddMinutes(5), stored.IAmAliveTime);
        Assert.Equal(SiloStatus.Joining, stored.Status);
    }

    [Fact]
    public async Task UpdateIAmAlive_ForUnknownSilo_DoesNotFail()
    {
        var table = await CreateTableAsync();

        await table.UpdateIAmAliveAsync(Entry(9), Ct);

        Assert.Empty((await table.ReadAllAsync(Ct)).Members);
    }

    [Fact]
    public async Task ReadRow_ForUnknownSilo_ReturnsNoMemberButCurrentVersion()
    {
        var table = await CreateTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(1), (await table.ReadAllAsync(Ct)).Version.Next(), Ct));

        var data = await table.ReadRowAsync(Entry(2).SiloAddress, Ct);

        Assert.Empty(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task ReadRow_DeadWithSuspectTimes_RoundTripsExactly()
    {
        var table = await CreateTableAsync();
        var entry = Entry(1);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var data = await table.ReadAllAsync(Ct);

        entry.Status = SiloStatus.Dead;
        entry.SuspectTimes =
        [
            Tuple.Create(Entry(2).SiloAddress, T0.AddSeconds(7)),
            Tuple.Create(Entry(3).SiloAddress, T0.AddSeconds(9)),
        ];
        Assert.True(await table.UpdateRowAsync(entry, data.Members[0].Item2, data.Version.Next(), Ct));

        var row = await table.ReadRowAsync(entry.SiloAddress, Ct);
        var (stored, etag) = Assert.Single(row.Members);
        Assert.Equal("2", etag);
        Assert.Equal(2, row.Version.Version);
        AssertSameEntry(entry, stored);
    }

    [Fact]
    public async Task UpdateRow_WithNullSuspectTimes_ClearsThem()
    {
        var table = await CreateTableAsync();
        var entry = Entry(1);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var data = await table.ReadAllAsync(Ct);
        entry.SuspectTimes = [Tuple.Create(Entry(2).SiloAddress, T0)];
        Assert.True(await table.UpdateRowAsync(entry, data.Members[0].Item2, data.Version.Next(), Ct));
        data = await table.ReadAllAsync(Ct);

        entry.SuspectTimes = null;
        Assert.True(await table.UpdateRowAsync(entry, data.Members[0].Item2, data.Version.Next(), Ct));

        Assert.Null(await ScalarAsync<string?>(
            "select suspect_times from orleans_membership where deployment_id = @id"));
    }

    [Fact]
    public async Task GetGateways_ListsOnlyActiveSilosWithProxyPort()
    {
        var table = await CreateTableAsync();
        await InsertAsync(table, Entry(1, SiloStatus.Active, proxyPort: 30001));
        await InsertAsync(table, Entry(2, SiloStatus.Active, proxyPort: 0));
        await InsertAsync(table, Entry(3, SiloStatus.Joining, proxyPort: 30003));
        await InsertAsync(table, Entry(4, SiloStatus.Dead, proxyPort: 30004));
        await InsertAsync(table, Entry(5, SiloStatus.Active, proxyPort: 30005));
        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance, EmptyServices,
            Options.Create(new AdoNetClusteringClientOptions { Invariant = "Npgsql", ConnectionString = fixture.Database.ConnectionString }),
            Options.Create(new GatewayOptions()), Options.Create(ClusterOptions));
        await gateways.InitializeGatewayListProviderAsync(Ct);

        var uris = await gateways.GetGatewaysAsync(Ct);

        Assert.Equal(
            [new Uri($"gwy.tcp://127.0.0.1:30001/{Generation(1)}"), new Uri($"gwy.tcp://127.0.0.1:30005/{Generation(5)}")],
            uris.OrderBy(u => u.Port));
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_WithFutureCutoff_RemovesDeadKeepsActiveAndVersion()
    {
        var table = await CreateTableAsync();
        await InsertAsync(table, Entry(1, SiloStatus.Dead));
        await InsertAsync(table, Entry(2, SiloStatus.Active));
        var before = await table.ReadAllAsync(Ct);

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(1), Ct);

        var after = await table.ReadAllAsync(Ct);
        Assert.Equal(before.Version.Version, after.Version.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(after.Members).Item1.Status);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_WithPastCutoff_KeepsRecentDeadRows()
    {
        var table = await CreateTableAsync();
        await InsertAsync(table, Entry(1, SiloStatus.Dead));

        await table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(T0.AddMinutes(-1)), Ct);

        Assert.Single((await table.ReadAllAsync(Ct)).Members);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_RemovesMembersAndVersionRow()
    {
        var table = await CreateTableAsync();
        await InsertAsync(table, Entry(1, SiloStatus.Active));
        await InsertAsync(table, Entry(2, SiloStatus.Dead));

        await table.DeleteMembershipTableEntriesAsync(_clusterId, Ct);

        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from orleans_membership where deployment_id = @id"));
        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from orleans_membership_version where deployment_id = @id"));
        await table.InitializeMembershipTableAsync(true, Ct);
        var data = await table.ReadAllAsync(Ct);
        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
    }

    private ClusterOptions ClusterOptions => new() { ClusterId = _clusterId, ServiceId = "ainur-tests" };

    private static ServiceProvider EmptyServices { get; } = new ServiceCollection().BuildServiceProvider();

    private async Task<AdoNetClusteringTable> CreateTableAsync()
    {
        var table = new AdoNetClusteringTable(
            EmptyServices, Options.Create(ClusterOptions),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = "Npgsql", ConnectionString = fixture.Database.ConnectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(true, Ct);
        return table;
    }

    private static async Task InsertAsync(AdoNetClusteringTable table, MembershipEntry entry) =>
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));

    private static int Generation(int silo) => 1000 + silo;

    private static MembershipEntry Entry(int silo, SiloStatus status = SiloStatus.Joining, int proxyPort = 30000) => new()
    {
        SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + silo), Generation(silo)),
        Status = status,
        ProxyPort = proxyPort,
        HostName = $"host-{silo}",
        SiloName = $"silo-{silo}",
        StartTime = T0,
        IAmAliveTime = T0,
    };

    private static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(DateTimeKind.Utc, actual.StartTime.Kind);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(expected.SuspectTimes ?? [], actual.SuspectTimes ?? []);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", _clusterId);
        var value = await command.ExecuteScalarAsync(Ct);
        return (T)(value is DBNull ? null : value)!;
    }
}
