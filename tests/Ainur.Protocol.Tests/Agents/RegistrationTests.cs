using Ainur.Protocol.Agents;
using Ainur.Protocol.Identity;
using CsCheck;

namespace Ainur.Protocol.Tests.Agents;

public sealed class RegistrationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly Did Alice = AgentKey.FromSeed(new byte[32]).Did;
    private static readonly Did Bob = AgentKey.FromSeed(Enumerable.Repeat((byte)1, 32).ToArray()).Did;

    [Fact]
    public void Decide_FirstRegistration_CreatesVersionOne()
    {
        var decision = Registration.Decide(null, Alice, Alice, Manifests.Valid(), T0);

        Assert.Null(decision.Rejection);
        Assert.Equal(RegistrationOutcome.Created, decision.Outcome);
        Assert.Equal(new AgentRecord(Alice, Manifests.Valid(), 1, T0, T0), decision.Next);
    }

    [Fact]
    public void Decide_SameManifestAgain_IsUnchangedAndKeepsTheRecord() =>
        Manifests.Gen.Sample(manifest =>
        {
            var first = Registration.Decide(null, Alice, Alice, manifest, T0).Next!;
            var again = Registration.Decide(first, Alice, Alice, Manifests.DeepCopy(manifest), T0.AddHours(1));
            return again.Outcome == RegistrationOutcome.Unchanged && ReferenceEquals(first, again.Next) && again.Rejection is null;
        }, iter: 1_000);

    [Fact]
    public void Decide_ChangedManifest_BumpsVersionAndKeepsRegistrationTime() =>
        Gen.Select(Manifests.Gen, Manifests.Gen).Where((a, b) => !a.Equals(b)).Sample((a, b) =>
        {
            var first = Registration.Decide(null, Alice, Alice, a, T0).Next!;
            var changed = Registration.Decide(first, Alice, Alice, b, T0.AddHours(1));
            return changed.Outcome == RegistrationOutcome.Updated
                && changed.Next == new AgentRecord(Alice, b, 2, T0, T0.AddHours(1));
        }, iter: 1_000);

    [Fact]
    public void Decide_DeterministicFlagFlipped_IsUpdated() =>
        Manifests.Gen.Sample(manifest =>
        {
            var first = Registration.Decide(null, Alice, Alice, manifest, T0).Next!;
            var flipped = manifest with { Capabilities = [.. manifest.Capabilities.Select((c, i) => i == 0 ? c with { Deterministic = !c.Deterministic } : c)] };
            var changed = Registration.Decide(first, Alice, Alice, flipped, T0.AddHours(1));
            return changed.Outcome == RegistrationOutcome.Updated && changed.Next!.Manifest.Capabilities[0].Deterministic != manifest.Capabilities[0].Deterministic;
        }, iter: 200);

    [Fact]
    public void Decide_SignedByAnotherDid_IsRejectedAndChangesNothing()
    {
        var current = Registration.Decide(null, Alice, Alice, Manifests.Valid(), T0).Next;

        var decision = Registration.Decide(current, Alice, Bob, Manifests.Valid(price: 99), T0.AddHours(1));

        Assert.Equal(RegistrationRejection.NotOwner, decision.Rejection);
        Assert.Same(current, decision.Next);
    }

    [Fact]
    public void Decide_InvalidManifest_IsRejectedWithItsErrors()
    {
        var current = Registration.Decide(null, Alice, Alice, Manifests.Valid(), T0).Next;

        var decision = Registration.Decide(current, Alice, Alice, Manifests.Valid(price: -5), T0.AddHours(1));

        Assert.Equal(RegistrationRejection.InvalidManifest, decision.Rejection);
        Assert.Contains(decision.Errors, e => e.Field == "capabilities/0/price");
        Assert.Same(current, decision.Next);
    }

    [Fact]
    public void ManifestEquality_IsByContent() =>
        Manifests.Gen.Sample(m =>
        {
            var copy = Manifests.DeepCopy(m);
            return m.Equals(copy) && m.GetHashCode() == copy.GetHashCode() && !m.Equals(copy with { Version = copy.Version + "x" });
        }, iter: 1_000);
}
