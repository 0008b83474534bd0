using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// What a client asks for and offers to pay: the terms its escrow lock signs for. The task id is the domain-separated
/// hash of these terms, and the payment escrow id is derived from the task id, so the client's signature on the
/// <c>EscrowLock</c> binds its money to exactly these terms (the server cannot swap the input or the capability).
/// <paramref name="InputHash"/> is <see cref="Blake2b.Content"/> of the input's UTF-8 JSON text as sent;
/// <paramref name="MaxPrice"/> is in whole credits; <paramref name="Deadline"/> is in Unix milliseconds;
/// <paramref name="Salt"/> lets one client submit equal terms twice as two tasks.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.TaskTerms")]
public sealed record TaskTerms(
    [property: Id(0)] Did Client,
    [property: Id(1)] string Capability,
    [property: Id(2)] Hash32 InputHash,
    [property: Id(3)] long MaxPrice,
    [property: Id(4)] long Deadline,
    [property: Id(5)] string Salt)
{
    /// <summary>The task id: Blake2b-256 over <see cref="HashDomain.TaskId"/> and the canonical terms.</summary>
    public Hash32 TaskId()
    {
        var writer = new CanonicalWriter(128)
            .Did(Client).Text(Capability).Hash(InputHash).I64(MaxPrice).I64(Deadline).Text(Salt);
        return Blake2b.Hash(HashDomain.TaskId, writer.Written);
    }

    /// <summary>The deadline as a point in time.</summary>
    public DateTimeOffset DeadlineAt => DateTimeOffset.FromUnixTimeMilliseconds(Deadline);
}

/// <summary>The escrow ids a task uses on the ledger, derived from its id so anyone can recompute them.</summary>
public static class TaskEscrows
{
    /// <summary>The escrow that holds the task's <see cref="TaskTerms.MaxPrice"/>.</summary>
    public static Hash32 Payment(Hash32 taskId) => Blake2b.Hash(HashDomain.TaskPaymentEscrow, taskId.Span);

    /// <summary>The escrow that holds the client's dispute bond.</summary>
    public static Hash32 DisputeBond(Hash32 taskId) => Blake2b.Hash(HashDomain.TaskDisputeBond, taskId.Span);
}
