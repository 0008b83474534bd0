using Ainur.Grains.Agents;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Identity;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Ainur.Grains.Tests.Serialization;

/// <summary>
/// Every type that is stored or crosses a grain call survives Orleans' serializer with every member: a member
/// without an [Id] would silently come back empty.
/// </summary>
public sealed class StoredStateRoundTripTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static readonly AgentManifest Manifest = new(
        "summarizer",
        "1.2.3",
        [new Capability("text.summarize", "Summarizes text.", 5, """{"type":"object"}""", "{}"), new Capability("text.echo", "Echo.", 0, "{}", "true", Deterministic: true)],
        new AgentRuntime(RuntimeKind.Wasm, new string('a', 64)),
        null);

    [Fact]
    public void AgentGrainState_RoundTripsEveryMember()
    {
        using var key = AgentKey.Generate();
        var state = new AgentGrainState
        {
            Record = new AgentRecord(key.Did, Manifest, 3, DateTimeOffset.UnixEpoch.AddDays(1), DateTimeOffset.UnixEpoch.AddDays(2), DateTimeOffset.UnixEpoch.AddDays(3)),
        };

        var copy = Serializer.Deserialize<AgentGrainState>(Serializer.SerializeToArray(state));

        Assert.Equal(state.Record, copy!.Record);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddDays(3), copy.Record!.DeregisteredAt);
        Assert.True(copy.Record.Manifest.Capabilities[1].Deterministic);
        Assert.Equal(key.Did.PublicKey.ToArray(), copy!.Record!.Did.PublicKey.ToArray());
    }

    [Fact]
    public void RegisterAgentAndDecisions_RoundTrip()
    {
        using var key = AgentKey.Generate();
        var command = new RegisterAgent(key.Did, Manifest);
        var decision = Registration.Decide(null, key.Did, key.Did, Manifest with { Name = "" }, DateTimeOffset.UnixEpoch);

        Assert.Equal(command, Serializer.Deserialize<RegisterAgent>(Serializer.SerializeToArray(command)));
        var decisionCopy = Serializer.Deserialize<RegistrationDecision>(Serializer.SerializeToArray(decision));
        Assert.Equal(decision.Rejection, decisionCopy!.Rejection);
        Assert.Equal(decision.Errors, decisionCopy.Errors);

        var record = Registration.Decide(null, key.Did, key.Did, Manifest, DateTimeOffset.UnixEpoch).Next;
        var deregistration = Deregistration.Decide(record, key.Did, key.Did, DateTimeOffset.UnixEpoch.AddDays(1));
        Assert.Equal(deregistration, Serializer.Deserialize<DeregistrationDecision>(Serializer.SerializeToArray(deregistration)));
        var refusal = Deregistration.Decide(null, key.Did, key.Did, DateTimeOffset.UnixEpoch);
        Assert.Equal(refusal, Serializer.Deserialize<DeregistrationDecision>(Serializer.SerializeToArray(refusal)));
    }

    [Fact]
    public void Did_StoredAsCorruptText_FailsLoudlyOnRead()
    {
        using var key = AgentKey.Generate();
        var bytes = Serializer.SerializeToArray(new AgentRecord(key.Did, Manifest, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
        var at = bytes.AsSpan().IndexOf("did:key:z"u8);
        Assert.True(at >= 0);

        bytes[at + "did:key:".Length] = (byte)'x';

        var error = Assert.ThrowsAny<Exception>(() => Serializer.Deserialize<AgentRecord>(bytes));
        Assert.Contains("base58btc", error.ToString(), StringComparison.Ordinal);
    }
}
