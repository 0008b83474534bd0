using System.Collections.Immutable;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Agents;

/// <summary>What a registration did.</summary>
public enum RegistrationOutcome
{
    /// <summary>The agent was not known and is now registered at version 1.</summary>
    Created = 0,

    /// <summary>The same manifest was already registered: nothing changed.</summary>
    Unchanged = 1,

    /// <summary>
    /// A different manifest replaced the old one, or a deregistered agent registered again (re-activated, with this
    /// manifest); the version grew by one.
    /// </summary>
    Updated = 2,
}

/// <summary>Why a registration was refused.</summary>
public enum RegistrationRejection
{
    /// <summary>The request was signed by another DID than the one it registers.</summary>
    NotOwner = 0,

    /// <summary>The manifest breaks one or more <see cref="ManifestRules"/>.</summary>
    InvalidManifest = 1,
}

/// <summary>The decision on one registration: either <see cref="Next"/> with an outcome, or a rejection.</summary>
[GenerateSerializer, Immutable, Alias("ainur.RegistrationDecision")]
public sealed record RegistrationDecision(
    [property: Id(0)] AgentRecord? Next,
    [property: Id(1)] RegistrationOutcome Outcome,
    [property: Id(2)] RegistrationRejection? Rejection,
    [property: Id(3)] ImmutableArray<ManifestError> Errors);

/// <summary>The registration rule, a pure function: who may register what, and how versions advance.</summary>
public static class Registration
{
    /// <summary>
    /// Decides a registration of <paramref name="manifest"/> for <paramref name="subject"/>, signed by
    /// <paramref name="signer"/>, given the <paramref name="current"/> record (null when none). Idempotent: deciding
    /// again on the returned record with the same manifest yields <see cref="RegistrationOutcome.Unchanged"/>. A
    /// deregistered agent's registration re-activates it (<see cref="AgentRecord.DeregisteredAt"/> back to null).
    /// </summary>
    public static RegistrationDecision Decide(AgentRecord? current, Did subject, Did signer, AgentManifest manifest, DateTimeOffset now)
    {
        if (subject != signer)
        {
            return Reject(current, RegistrationRejection.NotOwner, [new("did", "an agent can only be registered by its own DID")]);
        }

        var errors = ManifestRules.Validate(manifest);
        if (errors.Length > 0)
        {
            return Reject(current, RegistrationRejection.InvalidManifest, errors);
        }

        if (current is null)
        {
            return new(new AgentRecord(subject, manifest, 1, now, now), RegistrationOutcome.Created, null, []);
        }

        return current.IsActive && current.Manifest.Equals(manifest)
            ? new(current, RegistrationOutcome.Unchanged, null, [])
            : new(current with { Manifest = manifest, Version = current.Version + 1, UpdatedAt = now, DeregisteredAt = null }, RegistrationOutcome.Updated, null, []);
    }

    private static RegistrationDecision Reject(AgentRecord? current, RegistrationRejection why, ImmutableArray<ManifestError> errors) =>
        new(current, RegistrationOutcome.Unchanged, why, errors);
}
