using System.Net;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.Options;

namespace Ainur.Gateway.Tests.Api;

/// <summary>
/// A gateway told its public authorities (as behind a TLS-terminating proxy) answers signed requests for those only:
/// not for its listen address any more, and <c>@target-uri</c> is checked with the configured origin's scheme.
/// </summary>
public sealed class PublicAuthorityTests : IAsyncLifetime
{
    private static readonly Uri Origin = new("https://api.ainur.test");
    private static readonly Uri OtherPort = new("http://gw.ainur.test:8443");

    private TestDatabase? _database;
    private InProcessGateway? _gateway;

    private InProcessGateway Gateway => _gateway!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(Ct);
        _gateway = await InProcessGateway.StartStandaloneAsync(_database, new Dictionary<string, string?>
        {
            ["Ainur:Gateway:PublicAuthorities:0"] = Origin.OriginalString,
            ["Ainur:Gateway:PublicAuthorities:1"] = OtherPort.Authority,
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Register_SignedForTheConfiguredOrigin_IsAccepted(bool coverTargetUri)
    {
        using var key = AgentKey.Generate();

        var request = RequestSigner.SignedPost(key, Origin, "/v1/agents", RequestSigner.RegistrationBody(key.Did), coverTargetUri: coverTargetUri).SentTo(Gateway.Address);

        await HttpAssert.JsonAsync(await Gateway.Http.SendAsync(request, Ct), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Register_SignedForABareAuthority_IsAccepted()
    {
        using var key = AgentKey.Generate();

        var request = RequestSigner.SignedPost(key, OtherPort, "/v1/agents", RequestSigner.RegistrationBody(key.Did)).SentTo(Gateway.Address);

        await HttpAssert.JsonAsync(await Gateway.Http.SendAsync(request, Ct), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Register_SignedForTheListenAddress_Is421_OnceAuthoritiesAreConfigured()
    {
        using var key = AgentKey.Generate();

        var request = RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", RequestSigner.RegistrationBody(key.Did));

        await HttpAssert.ProblemAsync(await Gateway.Http.SendAsync(request, Ct), HttpStatusCode.MisdirectedRequest, "misdirected-request");
        await HttpAssert.ProblemAsync(await Gateway.Http.GetAsync($"/v1/agents/{key.Did.Value}", Ct), HttpStatusCode.NotFound, "agent-not-found");
    }

    [Fact]
    public async Task PublicReads_AnswerWhateverTheHost()
    {
        using var key = AgentKey.Generate();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/agents/{key.Did.Value}/reputation");
        request.Headers.Host = "elsewhere.example";

        await HttpAssert.JsonAsync(await Gateway.Http.SendAsync(request, Ct), HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("https://api.ainur.test/v1")]
    [InlineData("ftp://api.ainur.test")]
    [InlineData("user@api.ainur.test")]
    [InlineData("api.ainur.test/x")]
    public async Task Start_WithAMalformedAuthority_FailsSayingWhich(string entry)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var gateway = await InProcessGateway.StartStandaloneAsync(_database!, new Dictionary<string, string?> { ["Ainur:Gateway:PublicAuthorities:0"] = entry });
        });

        Assert.Contains("Ainur:Gateway:PublicAuthorities", error.Message, StringComparison.Ordinal);
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
    }
}
