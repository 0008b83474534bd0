using Ainur.Gateway.Tests.Api;

namespace Ainur.Gateway.Tests.Runtime;

/// <summary>A standalone node whose ARI accepts ExecuteTask with <see cref="OperatorToken"/>.</summary>
public sealed class HostedNodeFixture : StandaloneGatewayFixture
{
    public const string OperatorToken = "test-operator-token";

    /// <inheritdoc/>
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Ainur:Wasm:OperatorToken"] = OperatorToken,
        ["Ainur:Tasks:ExecutionTimeout"] = "00:01:00",
    };
}

[CollectionDefinition(Name)]
public sealed class HostedNodeCollection : ICollectionFixture<HostedNodeFixture>
{
    public const string Name = nameof(HostedNodeCollection);
}
