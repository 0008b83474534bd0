using System.Net;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Testing.Nodes;
using Ainur.Testing.Http;

namespace Ainur.Gateway.Tests.Api;

[Collection(StandaloneGatewayCollection.Name)]
public sealed class SignatureTests(StandaloneGatewayFixture fixture)
{
    private InProcessGateway Gateway => fixture.Gateway;

    private HttpClient Http => fixture.Gateway.Http;

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => Http.SendAsync(request, TestContext.Current.CancellationToken);

    private Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(path, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Register_WithValidSignature_Creates201AndIsReadable()
    {
        using var key = AgentKey.Generate();
        using var response = await SendAsync(Registration(key));

        var created = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal("created", created.GetProperty("outcome").GetString());
        Assert.Equal(1, created.GetProperty("version").GetInt32());
        Assert.Equal($"/v1/agents/{key.Did.Value}", response.Headers.Location?.OriginalString);

        var read = await HttpAssert.JsonAsync(await GetAsync($"/v1/agents/{key.Did.Value}"), HttpStatusCode.OK);
        Assert.Equal(key.Did.Value, read.GetProperty("did").GetString());
        Assert.Equal("text.summarize", read.GetProperty("manifest").GetProperty("capabilities")[0].GetProperty("id").GetString());
        Assert.Equal(key.Did.Value, read.GetProperty("document").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Register_SameManifestAgain_IsUnchangedWithSameVersion()
    {
        using var key = AgentKey.Generate();
        var body = RequestSigner.RegistrationBody(key.Did);
        (await SendAsync(RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", body))).EnsureSuccessStatusCode();

        var again = await HttpAssert.JsonAsync(await SendAsync(RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", body)), HttpStatusCode.OK);

        Assert.Equal("unchanged", again.GetProperty("outcome").GetString());
        Assert.Equal(1, again.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Register_ChangedManifest_BumpsVersion()
    {
        using var key = AgentKey.Generate();
        (await SendAsync(Registration(key))).EnsureSuccessStatusCode();

        var changed = RequestSigner.RegistrationBody(key.Did, version: "1.1.0", price: 7);
        var updated = await HttpAssert.JsonAsync(await SendAsync(RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", changed)), HttpStatusCode.OK);

        Assert.Equal("updated", updated.GetProperty("outcome").GetString());
        Assert.Equal(2, updated.GetProperty("version").GetInt32());
        var read = await HttpAssert.JsonAsync(await GetAsync($"/v1/agents/{key.Did.Value}"), HttpStatusCode.OK);
        Assert.Equal(7, read.GetProperty("manifest").GetProperty("capabilities")[0].GetProperty("price").GetInt64());
    }

    [Fact]
    public async Task Register_WithoutSignature_Is401AndStoresNothing()
    {
        using var key = AgentKey.Generate();
        using var request = Registration(key);
        request.Headers.Remove("Signature");
        request.Headers.Remove("Signature-Input");

        await HttpAssert.ProblemAsync(await SendAsync(request), HttpStatusCode.Unauthorized, "signature-missing");
        await AssertNotRegisteredAsync(key.Did);
    }

    [Fact]
    public async Task Register_SignedByAnotherKeyUnderThisKeyId_Is401()
    {
        using var key = AgentKey.Generate();
        using var impostor = AgentKey.Generate();
        using var genuine = Registration(key);
        using var forged = Registration(impostor, key.Did);

        // The impostor's signature bytes under the genuine keyid.
        RequestSigner.CopyHeader(genuine, forged, "Signature-Input");

        await HttpAssert.ProblemAsync(await SendAsync(forged), HttpStatusCode.Unauthorized, "signature-bad-signature");
        await AssertNotRegisteredAsync(key.Did);
    }

    [Fact]
    public async Task Register_BodyChangedAfterSigning_Is401()
    {
        using var key = AgentKey.Generate();
        var signed = RequestSigner.RegistrationBody(key.Did, price: 5);
        var sent = RequestSigner.RegistrationBody(key.Did, price: 500);

        using var request = RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", sent, signedBody: signed);

        await HttpAssert.ProblemAsync(await SendAsync(request), HttpStatusCode.Unauthorized, "signature-digest-mismatch");
        await AssertNotRegisteredAsync(key.Did);
    }

    [Fact]
    public async Task Register_BodyAndDigestChangedAfterSigning_Is401()
    {
        using var key = AgentKey.Generate();
        using var genuine = Registration(key, price: 5);
        using var tampered = Registration(key, price: 500);
        RequestSigner.CopyHeader(genuine, tampered, "Signature");
        RequestSigner.CopyHeader(genuine, tampered, "Signature-Input");

        await HttpAssert.ProblemAsync(await SendAsync(tampered), HttpStatusCode.Unauthorized, "signature-bad-signature");
        await AssertNotRegisteredAsync(key.Did);
    }

    [Fact]
    public async Task Register_PathChangedAfterSigning_Is401()
    {
        using var key = AgentKey.Generate();
        using var request = Registration(key, signedPath: "/v1/other");

        await HttpAssert.ProblemAsync(await SendAsync(request), HttpStatusCode.Unauthorized, "signature-bad-signature");
        await AssertNotRegisteredAsync(key.Did);
    }

    [Fact]
    public async Task Register_WithStaleCreated_Is401()
    {
        using var key = AgentKey.Generate();
        var tenMinutesAgo = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
        using var request = Registration(key, created: tenMinutesAgo);

        await HttpAssert.ProblemAsync(await SendAsync(request), HttpStatusCode.Unauthorized, "signature-expired");
        await AssertNotRegisteredAsync(key.Did);
    }

    [Fact]
    public async Task Register_WithCreatedInTheFuture_Is401()
    {
        using var key = AgentKey.Generate();
        var inTenMinutes = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        using var request = Registration(key, created: inTenMinutes);

        await HttpAssert.ProblemAsync(await SendAsync(request), HttpStatusCode.Unauthorized, "signature-from-future");
        await AssertNotRegisteredAsync(key.Did);
    }

    [Fact]
    public async Task Register_ReplayedRequest_Is401AndChangesNothing()
    {
        using var key = AgentKey.Generate();
        using var original = Registration(key);
        using var replay = await RequestSigner.CopyAsync(original);

        (await SendAsync(original)).EnsureSuccessStatusCode();
        await HttpAssert.ProblemAsync(await SendAsync(replay), HttpStatusCode.Unauthorized, "signature-replayed");

        var read = await HttpAssert.JsonAsync(await GetAsync($"/v1/agents/{key.Did.Value}"), HttpStatusCode.OK);
        Assert.Equal(1, read.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Register_WithUnknownAlgorithm_Is401()
    {
        using var key = AgentKey.Generate();
        using var request = Registration(key);
        var input = request.Headers.GetValues("Signature-Input").Single().Replace("alg=\"ed25519\"", "alg=\"hmac-sha256\"", StringComparison.Ordinal);
        request.Headers.Remove("Signature-Input");
        request.Headers.TryAddWithoutValidation("Signature-Input", input);

        await HttpAssert.ProblemAsync(await SendAsync(request), HttpStatusCode.Unauthorized, "signature-unsupported-algorithm");
        await AssertNotRegisteredAsync(key.Did);
    }

    [Fact]
    public async Task Register_ForAnotherDid_Is403AndStoresNothing()
    {
        using var signer = AgentKey.Generate();
        using var victim = AgentKey.Generate();
        using var request = Registration(signer, victim.Did);

        await HttpAssert.ProblemAsync(await SendAsync(request), HttpStatusCode.Forbidden, "not-owner");
        await AssertNotRegisteredAsync(victim.Did);
    }

    [Fact]
    public async Task Register_SignedOverTargetUri_IsAccepted()
    {
        using var key = AgentKey.Generate();
        using var request = RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", RequestSigner.RegistrationBody(key.Did), coverTargetUri: true);

        await HttpAssert.JsonAsync(await SendAsync(request), HttpStatusCode.Created);
        await HttpAssert.JsonAsync(await GetAsync($"/v1/agents/{key.Did.Value}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Transfer_SignedOverTargetUriWithQuery_IsAccepted_AndTheQueryIsCovered()
    {
        using var key = AgentKey.Generate();
        var ledger = new LedgerCalls(Gateway);
        await ledger.FundAsync(key);
        using var bob = AgentKey.Generate();
        var body = LedgerCalls.TransferBody(key, bob.Did, 3, nonce: 1);

        // Signed for ?wait=0 but sent with ?wait=30: the target URI differs from the one signed.
        using var tampered = RequestSigner.SignedPost(key, Gateway.Address, "/v1/transfers", body, query: "?wait=0", coverTargetUri: true);
        tampered.RequestUri = new Uri(Gateway.Address, "/v1/transfers?wait=30");
        await HttpAssert.ProblemAsync(await SendAsync(tampered), HttpStatusCode.Unauthorized, "signature-bad-signature");

        using var request = RequestSigner.SignedPost(key, Gateway.Address, "/v1/transfers", body, query: "?wait=30", coverTargetUri: true);
        await HttpAssert.JsonAsync(await SendAsync(request), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Register_TargetUriSignedForAnotherScheme_Is401()
    {
        using var key = AgentKey.Generate();
        var https = new UriBuilder(Gateway.Address) { Scheme = "https" }.Uri;
        using var request = RequestSigner.SignedPost(key, https, "/v1/agents", RequestSigner.RegistrationBody(key.Did), coverTargetUri: true).SentTo(Gateway.Address);

        await HttpAssert.ProblemAsync(await SendAsync(request), HttpStatusCode.Unauthorized, "signature-bad-signature");
        await AssertNotRegisteredAsync(key.Did);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Register_SignedForAnotherAuthority_WithThatHost_Is421AndStoresNothing(bool coverTargetUri)
    {
        using var key = AgentKey.Generate();
        using var request = RequestSigner.SignedPost(
            key, new Uri("http://evil.example"), "/v1/agents", RequestSigner.RegistrationBody(key.Did), coverTargetUri: coverTargetUri).SentTo(Gateway.Address);
        Assert.Equal("evil.example", request.Headers.Host);

        await HttpAssert.ProblemAsync(await SendAsync(request), HttpStatusCode.MisdirectedRequest, "misdirected-request");
        await AssertNotRegisteredAsync(key.Did);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("[::1]")]
    public async Task Register_SignedForAnotherLoopbackName_IsAccepted(string name)
    {
        using var key = AgentKey.Generate();
        var loopback = new UriBuilder(Gateway.Address) { Host = name }.Uri;

        using var request = RequestSigner.SignedPost(key, loopback, "/v1/agents", RequestSigner.RegistrationBody(key.Did)).SentTo(Gateway.Address);

        await HttpAssert.JsonAsync(await SendAsync(request), HttpStatusCode.Created);
    }

    private HttpRequestMessage Registration(AgentKey signer, Did? subject = null, long price = 5, long? created = null, string? signedPath = null) =>
        RequestSigner.SignedPost(signer, Gateway.Address, "/v1/agents", RequestSigner.RegistrationBody(subject ?? signer.Did, price: price), created, signedPath);

    private async Task AssertNotRegisteredAsync(Did did) =>
        await HttpAssert.ProblemAsync(await GetAsync($"/v1/agents/{did.Value}"), HttpStatusCode.NotFound, "agent-not-found");
}
