using Ainur.Testing;
using Ainur.Testing.Nodes;

namespace Ainur.Gateway.Tests.Api;

/// <summary>
/// One standalone node on a fresh database, shared by the API tests; each test uses fresh keys. A subclass changes the
/// node's settings through <see cref="Settings"/>.
/// </summary>
public class StandaloneGatewayFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private InProcessGateway? _gateway;

    internal InProcessGateway Gateway => _gateway!;

    internal TestDatabase Database => _database!;

    /// <summary>Settings over the test node's defaults; none here.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _gateway = await InProcessGateway.StartStandaloneAsync(_database, Settings);
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

[CollectionDefinition(Name)]
public sealed class StandaloneGatewayCollection : ICollectionFixture<StandaloneGatewayFixture>
{
    public const string Name = nameof(StandaloneGatewayCollection);
}
