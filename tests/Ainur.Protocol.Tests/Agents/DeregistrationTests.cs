using Ainur.Protocol.Agents;
using Ainur.Protocol.Identity;
using CsCheck;

namespace Ainur.Protocol.Tests.Agents;

public sealed class DeregistrationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly Did Alice = AgentKey.FromSeed(new byte[32]).Did;
    private static readonly Did Bob = AgentKey.FromSeed(Enumerable.Repeat((byte)1, 32).ToArray()).Did;

    private static AgentRecord Registered(AgentManifest manifest) => Registration.Decide(null, Alice, Alice, manifest, T0).Next!;

    [Fact]
    public void Decide_ByTheAgent_SetsDeregisteredAtAndKeepsTheRest()
    {
        var current = Registered(Manifests.Valid());

        var decision = Deregistration.Decide(current, Alice, Alice, T0.AddHours(1));

        Assert.Null(decision.Rejection);
        Assert.Equal(DeregistrationOutcome.Deregistered, decision.Outcome);
        Assert.Equal(current with { DeregisteredAt = T0.AddHours(1) }, decision.Next);
        Assert.False(decision.Next!.IsActive);
        Assert.True(current.IsActive);
    }

    [Fact]
    public void Decide_Again_IsUnchangedWithTheSameRecord() =>
        Gen.Select(Manifests.Gen, Gen.Int[0, 10_000]).Sample((manifest, minutes) =>
        {
            var deregistered = Deregistration.Decide(Registered(manifest), Alice, Alice, T0.AddHours(1)).Next!;
            var again = Deregistration.Decide(deregistered, Alice, Alice, T0.AddHours(1).AddMinutes(minutes));
            return again.Rejection is null && again.Outcome == DeregistrationOutcome.Unchanged && ReferenceEquals(deregistered, again.Next);
        }, iter: 200);

    [Fact]
    public void Decide_SignedByAnotherDid_IsNotOwnerAndChangesNothing()
    {
        var active = Registered(Manifests.Valid());
        var deregistered = Deregistration.Decide(active, Alice, Alice, T0).Next!;

        foreach (var current in new[] { active, deregistered, null })
        {
            var decision = Deregistration.Decide(current, Alice, Bob, T0.AddHours(1));

            Assert.Equal(DeregistrationRejection.NotOwner, decision.Rejection);
            Assert.Same(current, decision.Next);
        }
    }

    [Fact]
    public void Decide_NeverRegistered_IsNotRegistered()
    {
        var decision = Deregistration.Decide(null, Alice, Alice, T0);

        Assert.Equal(DeregistrationRejection.NotRegistered, decision.Rejection);
        Assert.Null(decision.Next);
    }

    [Fact]
    public void Register_AfterDeregistration_ReactivatesWithVersionPlusOne() =>
        Gen.Select(Manifests.Gen, Manifests.Gen, Gen.Bool).Sample((first, second, same) =>
        {
            var manifest = same ? Manifests.DeepCopy(first) : second;
            var deregistered = Deregistration.Decide(Registered(first), Alice, Alice, T0.AddHours(1)).Next!;

            var decision = Registration.Decide(deregistered, Alice, Alice, manifest, T0.AddHours(2));

            return decision.Rejection is null
                && decision.Outcome == RegistrationOutcome.Updated
                && decision.Next == new AgentRecord(Alice, manifest, 2, T0, T0.AddHours(2), DeregisteredAt: null)
                && decision.Next.IsActive;
        }, iter: 500);

    [Fact]
    public void Register_DeregisteredAgentByAnotherDid_StaysDeregistered()
    {
        var deregistered = Deregistration.Decide(Registered(Manifests.Valid()), Alice, Alice, T0).Next!;

        var decision = Registration.Decide(deregistered, Alice, Bob, Manifests.Valid(), T0.AddHours(1));

        Assert.Equal(RegistrationRejection.NotOwner, decision.Rejection);
        Assert.Same(deregistered, decision.Next);
    }
}
