using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// The node ran the hosted agent's module and re-executions agreed on this output (system): the result stands at once,
/// with no challenge window; <paramref name="Detail"/> says which executions agreed and whose lost, for the history.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.PostVerifiedResult")]
public sealed record PostVerifiedResult(
    [property: Id(0)] Did Agent,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string Output,
    [property: Id(3)] Hash32 OutputHash,
    [property: Id(4)] string Detail) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => null;

    /// <inheritdoc/>
    public override string Name => "verified";
}

/// <summary>The node started running the hosted attempt (system).</summary>
[GenerateSerializer, Immutable, Alias("ainur.StartHosted")]
public sealed record StartHosted([property: Id(0)] Did Agent, [property: Id(1)] int Attempt) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => null;

    /// <inheritdoc/>
    public override string Name => "start";
}

/// <summary>
/// The hosted attempt failed (system): its module trapped, hit a limit or gave malformed output (<paramref name="Reason"/>
/// is <c>wasm:&lt;code&gt;: detail</c>); with <paramref name="NonDeterministic"/> its executions never agreed, which
/// counts as a lost dispute and slashes the agent in the task's settlement.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.FailHosted")]
public sealed record FailHosted(
    [property: Id(0)] Did Agent,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string Reason,
    [property: Id(3)] bool NonDeterministic) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => null;

    /// <inheritdoc/>
    public override string Name => NonDeterministic ? "non-deterministic" : "failure";
}
