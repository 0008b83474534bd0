using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Identity;
using Npgsql;

namespace Ainur.Grains.Tests.Cluster;

/// <summary>Agent registration and deregistration on a two-silo cluster with PostgreSQL storage: durable across deactivation, idempotent, owner-only.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresClusterTests(PostgresClusterFixture fixture)
{
    [Fact]
    public async Task Register_ThenDeactivate_ReadsBackTheSameRecordFromStorage()
    {
        var ct = TestContext.Current.CancellationToken;
        using var key = AgentKey.Generate();
        var grain = fixture.Cluster.Client.GetGrain<IAgentGrain>(key.Did.Value);

        var created = await grain.RegisterAsync(new RegisterAgent(key.Did, Manifest("1.0.0")), ct);
        Assert.Null(created.Rejection);
        Assert.Equal(RegistrationOutcome.Created, created.Outcome);
        Assert.Equal(1, created.Next!.Version);

        await fixture.Cluster.DeactivateAsync(grain);
        var read = await grain.GetAsync();

        Assert.Equal(created.Next, read);
        Assert.Equal(1, await StoredRowsAsync(key.Did, ct));
    }

    [Fact]
    public async Task Register_SameManifestAgain_IsUnchanged_ChangedIsUpdatedToVersionTwo()
    {
        var ct = TestContext.Current.CancellationToken;
        using var key = AgentKey.Generate();
        var grain = fixture.Cluster.Client.GetGrain<IAgentGrain>(key.Did.Value);
        var first = await grain.RegisterAsync(new RegisterAgent(key.Did, Manifest("1.0.0")), ct);
        await fixture.Cluster.DeactivateAsync(grain);

        var again = await grain.RegisterAsync(new RegisterAgent(key.Did, Manifest("1.0.0")), ct);
        Assert.Null(again.Rejection);
        Assert.Equal(RegistrationOutcome.Unchanged, again.Outcome);
        Assert.Equal(first.Next, again.Next);

        var changed = await grain.RegisterAsync(new RegisterAgent(key.Did, Manifest("1.1.0")), ct);
        Assert.Null(changed.Rejection);
        Assert.Equal(RegistrationOutcome.Updated, changed.Outcome);
        Assert.Equal(2, changed.Next!.Version);
        Assert.Equal(first.Next!.RegisteredAt, changed.Next.RegisteredAt);

        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(changed.Next, await grain.GetAsync());
    }

    [Fact]
    public async Task Register_ByAnotherSigner_IsRejectedNotOwner_AndChangesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var owner = AgentKey.Generate();
        using var intruder = AgentKey.Generate();
        var grain = fixture.Cluster.Client.GetGrain<IAgentGrain>(owner.Did.Value);
        var original = await grain.RegisterAsync(new RegisterAgent(owner.Did, Manifest("1.0.0")), ct);

        var refused = await grain.RegisterAsync(new RegisterAgent(intruder.Did, Manifest("6.6.6")), ct);

        Assert.Equal(RegistrationRejection.NotOwner, refused.Rejection);
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(original.Next, await grain.GetAsync());
    }

    [Fact]
    public async Task Register_ByAnotherSignerBeforeAnyRegistration_StoresNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var owner = AgentKey.Generate();
        using var intruder = AgentKey.Generate();
        var grain = fixture.Cluster.Client.GetGrain<IAgentGrain>(owner.Did.Value);

        var refused = await grain.RegisterAsync(new RegisterAgent(intruder.Did, Manifest("1.0.0")), ct);

        Assert.Equal(RegistrationRejection.NotOwner, refused.Rejection);
        Assert.Null(refused.Next);
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Null(await grain.GetAsync());
        Assert.Equal(0, await StoredRowsAsync(owner.Did, ct));
    }

    [Fact]
    public async Task Deregister_ByTheAgent_IsDurableIdempotentAndRegisteringAgainReactivates()
    {
        var ct = TestContext.Current.CancellationToken;
        using var key = AgentKey.Generate();
        using var intruder = AgentKey.Generate();
        var grain = fixture.Cluster.Client.GetGrain<IAgentGrain>(key.Did.Value);
        var registered = (await grain.RegisterAsync(new RegisterAgent(key.Did, Manifest("1.0.0")), ct)).Next!;

        var refused = await grain.DeregisterAsync(intruder.Did, ct);
        Assert.Equal(DeregistrationRejection.NotOwner, refused.Rejection);
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(registered, await grain.GetAsync());

        var deregistered = await grain.DeregisterAsync(key.Did, ct);
        Assert.Null(deregistered.Rejection);
        Assert.Equal(DeregistrationOutcome.Deregistered, deregistered.Outcome);
        Assert.NotNull(deregistered.Next!.DeregisteredAt);
        Assert.Equal(registered with { DeregisteredAt = deregistered.Next.DeregisteredAt }, deregistered.Next);
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(deregistered.Next, await grain.GetAsync());

        var again = await grain.DeregisterAsync(key.Did, ct);
        Assert.Equal((DeregistrationOutcome.Unchanged, (DeregistrationRejection?)null), (again.Outcome, again.Rejection));
        Assert.Equal(deregistered.Next, again.Next);

        var reactivated = await grain.RegisterAsync(new RegisterAgent(key.Did, Manifest("1.0.0")), ct);
        Assert.Equal(RegistrationOutcome.Updated, reactivated.Outcome);
        Assert.Equal((2, (DateTimeOffset?)null), (reactivated.Next!.Version, reactivated.Next.DeregisteredAt));
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(reactivated.Next, await grain.GetAsync());
    }

    [Fact]
    public async Task Deregister_NeverRegistered_IsNotRegistered_AndStoresNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var key = AgentKey.Generate();
        var grain = fixture.Cluster.Client.GetGrain<IAgentGrain>(key.Did.Value);

        var refused = await grain.DeregisterAsync(key.Did, ct);

        Assert.Equal(DeregistrationRejection.NotRegistered, refused.Rejection);
        Assert.Null(refused.Next);
        Assert.Equal(0, await StoredRowsAsync(key.Did, ct));
    }

    private static AgentManifest Manifest(string version) => new(
        "echo",
        version,
        [new Capability("text.echo", "Returns its input text.", 1, """{"type":"object"}""", """{"type":"object"}""")],
        new AgentRuntime(RuntimeKind.Remote, null),
        null);

    /// <summary>Rows of this service's storage table holding state for the agent grain keyed by <paramref name="did"/>.</summary>
    private async Task<int> StoredRowsAsync(Did did, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select count(*) from orleans_storage where service_id = @service and grain_id_extension like '%' || @did and payload is not null",
            connection);
        command.Parameters.AddWithValue("service", fixture.ServiceId);
        command.Parameters.AddWithValue("did", did.Value);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
