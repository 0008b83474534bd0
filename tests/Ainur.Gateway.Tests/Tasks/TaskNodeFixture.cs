using Ainur.Gateway.Tests.Api;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>
/// One standalone node for the task API tests, with small input and output caps and one verifier per dispute. The
/// challenge window is long, so a task waits in Verifying for the test to accept or dispute it. Tests isolate
/// themselves with a fresh capability id (their own roster of agents) and fresh keys.
/// </summary>
public sealed class TaskNodeFixture : StandaloneGatewayFixture
{
    /// <summary>The node's task input and output caps, in bytes.</summary>
    public const int MaxJsonBytes = 2048;

    /// <summary>The node's dispute bond.</summary>
    public const long DisputeBond = 20;

    /// <inheritdoc/>
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Ainur:Tasks:MaxInputBytes"] = $"{MaxJsonBytes}",
        ["Ainur:Tasks:MaxOutputBytes"] = $"{MaxJsonBytes}",
        ["Ainur:Tasks:ChallengeWindow"] = "00:05:00",
        ["Ainur:Tasks:VerdictTimeout"] = "00:05:00",
        ["Ainur:Tasks:ExecutionTimeout"] = "00:05:00",
        ["Ainur:Tasks:VerifierQuorum"] = "1",
        ["Ainur:Tasks:DisputeBond"] = $"{DisputeBond}",
    };
}

[CollectionDefinition(Name)]
public sealed class TaskNodeCollection : ICollectionFixture<TaskNodeFixture>
{
    public const string Name = nameof(TaskNodeCollection);
}
