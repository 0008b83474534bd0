using System.Text;
using Ainur.Protocol.HttpSignatures;
using Ainur.Protocol.Identity;
using CsCheck;

namespace Ainur.Protocol.Tests.HttpSignatures;

public class HttpMessageSignatureTests
{
    private const long Now = 1_750_000_000;
    private static readonly string[] Prefixes = ["sig1=", "sig1=(", "sig1=(\"@method\");created=", ""];
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"did\":\"x\"}");

    [Theory]
    [InlineData(true, "")]
    [InlineData(true, "?page=2&size=10")]
    [InlineData(false, "")]
    [InlineData(false, "?q=a%20b")]
    public void Verify_SignedRequest_Ok(bool hasBody, string query)
    {
        using var key = AgentKey.Generate();
        var request = Signed(key, hasBody, query, nonce: "n-1");

        var check = HttpMessageVerifier.Verify(request.Parts, hasBody, Now + 10, SignaturePolicy.Default);

        Assert.True(check.Ok, check.Detail);
        Assert.Null(check.Failure);
        Assert.Equal(key.Did, check.Signer);
        Assert.Equal(Now, check.Created);
        Assert.Equal(64, check.Signature.Length);
    }

    [Fact]
    public void Sign_Output_HasRfc9421Shape()
    {
        using var key = AgentKey.Generate();
        var request = Signed(key, hasBody: true, query: "?a=b");

        Assert.Equal(
            $"sig1=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\");created={Now};keyid=\"{key.Did}\";alg=\"ed25519\"",
            request.Headers["signature-input"]);
        Assert.Matches("^sig1=:[A-Za-z0-9+/]{86}==:$", request.Headers["signature"]);
    }

    [Fact]
    public void Verify_NoHeaders_Missing()
    {
        var request = new FakeRequest("GET", "/v1/agents", "", []);

        Assert.Equal(SignatureFailure.Missing, HttpMessageVerifier.Verify(request.Parts, false, Now, SignaturePolicy.Default).Failure);
    }

    [Fact]
    public void Verify_SignedByAnotherKey_BadSignature()
    {
        using var key = AgentKey.Generate();
        using var other = AgentKey.Generate();
        var request = Signed(key, hasBody: true);
        var forged = Signed(other, hasBody: true);
        request.Headers["signature"] = forged.Headers["signature"];

        Assert.Equal(SignatureFailure.BadSignature, Verify(request, hasBody: true).Failure);
    }

    [Fact]
    public void Verify_ModifiedBody_DigestMismatch()
    {
        using var key = AgentKey.Generate();
        var request = Signed(key, hasBody: true) with { Body = Encoding.UTF8.GetBytes("{\"did\":\"y\"}") };

        Assert.Equal(SignatureFailure.DigestMismatch, Verify(request, hasBody: true).Failure);
    }

    [Fact]
    public void Verify_ModifiedPath_BadSignature()
    {
        using var key = AgentKey.Generate();
        var request = Signed(key, hasBody: true) with { Path = "/v1/agents/other" };

        Assert.Equal(SignatureFailure.BadSignature, Verify(request, hasBody: true).Failure);
    }

    [Fact]
    public void Verify_ModifiedMethod_BadSignature()
    {
        using var key = AgentKey.Generate();
        var request = Signed(key, hasBody: true) with { Method = "PUT" };

        Assert.Equal(SignatureFailure.BadSignature, Verify(request, hasBody: true).Failure);
    }

    [Fact]
    public void Verify_QueryAddedAfterSigning_MissingComponent()
    {
        using var key = AgentKey.Generate();
        var request = Signed(key, hasBody: false) with { Query = "?admin=1" };

        Assert.Equal(SignatureFailure.MissingComponent, Verify(request, hasBody: false).Failure);
    }

    [Theory]
    [InlineData(Now + 301, SignatureFailure.Expired)]
    [InlineData(Now - 31, SignatureFailure.FromFuture)]
    [InlineData(Now + 300, null)]
    [InlineData(Now - 30, null)]
    public void Verify_CreatedAgainstPolicy(long now, SignatureFailure? expected)
    {
        using var key = AgentKey.Generate();
        var request = Signed(key, hasBody: true);

        Assert.Equal(expected, HttpMessageVerifier.Verify(request.Parts, true, now, SignaturePolicy.Default).Failure);
    }

    [Fact]
    public void Verify_HmacAlgorithm_UnsupportedAlgorithm()
    {
        using var key = AgentKey.Generate();
        var request = Signed(key, hasBody: true);
        request.Headers["signature-input"] = request.Headers["signature-input"].Replace("alg=\"ed25519\"", "alg=\"hmac-sha256\"", StringComparison.Ordinal);

        Assert.Equal(SignatureFailure.UnsupportedAlgorithm, Verify(request, hasBody: true).Failure);
    }

    [Theory]
    [InlineData("keyid=\"test-key-ed25519\"")]
    [InlineData("keyid=\"did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme\"")]
    [InlineData("keyid=token")]
    public void Verify_KeyIdNotADid_InvalidKeyId(string keyId)
    {
        using var key = AgentKey.Generate();
        var request = Signed(key, hasBody: true);
        request.Headers["signature-input"] = request.Headers["signature-input"].Replace($"keyid=\"{key.Did}\"", keyId, StringComparison.Ordinal);

        Assert.Equal(SignatureFailure.InvalidKeyId, Verify(request, hasBody: true).Failure);
    }

    [Fact]
    public void Verify_BodyWithoutCoveredDigest_MissingComponent()
    {
        using var key = AgentKey.Generate();
        var request = Signed(key, hasBody: false) with { Body = Body };
        request.Headers["content-digest"] = ContentDigest.Compute(Body);

        Assert.Equal(SignatureFailure.MissingComponent, Verify(request, hasBody: true).Failure);
    }

    [Fact]
    public void Verify_SignedWithoutAlg_Ok()
    {
        using var key = AgentKey.Generate();
        var request = new FakeRequest("GET", "/v1/tasks", "", []);
        const string Params = "(\"@method\" \"@authority\" \"@path\");created=1750000000;keyid=\"{0}\"";
        var signatureParams = string.Format(System.Globalization.CultureInfo.InvariantCulture, Params, key.Did);
        var signatureBase = $"\"@method\": GET\n\"@authority\": gateway.example:5080\n\"@path\": /v1/tasks\n\"@signature-params\": {signatureParams}";
        request.Headers["signature-input"] = "sig1=" + signatureParams;
        request.Headers["signature"] = "sig1=:" + Convert.ToBase64String(key.Sign(Encoding.UTF8.GetBytes(signatureBase))) + ":";

        Assert.True(Verify(request, hasBody: false).Ok);
    }

    [Theory]
    [InlineData("sig1=(\"@method\"", "sig1=:AAAA:")]
    [InlineData("sig1=\"@method\";created=1", "sig1=:AAAA:")]
    [InlineData("sig1=(\"@method\" \"@path\");created=1.5", "sig1=:AAAA:")]
    [InlineData("sig1=(\"@method\" \"@method\");created=1;keyid=\"x\"", "sig1=:AAAA:")]
    [InlineData("sig1=(@method);created=1", "sig1=:AAAA:")]
    [InlineData("sig2=();created=1, sig3=();created=1", "sig2=:AAAA:")]
    [InlineData("sig1=();created=1", "sig1=\"AAAA\"")]
    [InlineData("sig1=();created=1", "sig2=:AAAA:")]
    [InlineData("sig1=();created=1", "sig1=:AAAA:")]
    [InlineData("sig1=();created=1,", "sig1=:AAAA:")]
    [InlineData("SIG1=();created=1", "sig1=:AAAA:")]
    [InlineData("sig1=();created=1", "sig1=:not base64!:")]
    [InlineData("", "")]
    [InlineData("\u00e9", "\u0000")]
    public void Verify_GarbageFields_MalformedAndNoThrow(string input, string signature)
    {
        var request = new FakeRequest("GET", "/", "", new() { ["signature-input"] = input, ["signature"] = signature });

        Assert.Equal(SignatureFailure.Malformed, Verify(request, hasBody: false).Failure);
    }

    [Fact]
    public void Verify_RandomGarbageFields_NeverThrow() =>
        Gen.Select(Gen.String, Gen.String, Gen.Int[0, Prefixes.Length - 1].Select(i => Prefixes[i])).Sample((a, b, prefix) =>
        {
            var request = new FakeRequest("POST", "/x", "?y", new()
            {
                ["signature-input"] = prefix + a,
                ["signature"] = "sig1=:" + b,
                ["content-digest"] = b,
            });
            return !HttpMessageVerifier.Verify(request.Parts, true, Now, SignaturePolicy.Default).Ok;
        }, iter: 5000);

    [Theory]
    [InlineData(true, "")]
    [InlineData(true, "?page=2")]
    [InlineData(false, "?q=a%20b")]
    public void Verify_TargetUriCoveringAuthorityPathAndQuery_Ok(bool hasBody, string query)
    {
        using var key = AgentKey.Generate();
        var request = SignedForTargetUri(key, hasBody, $"https://gateway.example:5080/v1/agents{query}") with { Query = query };

        var check = Verify(request, hasBody);

        Assert.True(check.Ok, check.Detail);
        Assert.Equal(key.Did, check.Signer);
    }

    public static TheoryData<string, Func<FakeRequest, FakeRequest>> TargetChanges => new()
    {
        { "scheme", r => r with { Scheme = "http" } },
        { "authority", r => r with { Authority = "evil.example:5080" } },
        { "path", r => r with { Path = "/v1/agents/other" } },
        { "query", r => r with { Query = "?page=3" } },
    };

    [Theory]
    [MemberData(nameof(TargetChanges))]
    public void Verify_TargetUriOfAnotherRequest_BadSignature(string what, Func<FakeRequest, FakeRequest> change)
    {
        using var key = AgentKey.Generate();
        var request = SignedForTargetUri(key, hasBody: true, "https://gateway.example:5080/v1/agents?page=2") with { Query = "?page=2" };
        Assert.True(Verify(request, hasBody: true).Ok);

        Assert.True(SignatureFailure.BadSignature == Verify(change(request), hasBody: true).Failure, what);
    }

    [Fact]
    public void Verify_TargetUriWhenTheSchemeIsUnknown_Malformed()
    {
        using var key = AgentKey.Generate();
        var request = SignedForTargetUri(key, hasBody: false, "https://gateway.example:5080/v1/agents") with { Scheme = null };

        Assert.Equal(SignatureFailure.Malformed, Verify(request, hasBody: false).Failure);
    }

    [Fact]
    public void Verify_TargetUriWithoutDigestOfTheBody_MissingComponent()
    {
        using var key = AgentKey.Generate();
        var request = SignedForTargetUri(key, hasBody: false, "https://gateway.example:5080/v1/agents") with { Body = Body };
        request.Headers["content-digest"] = ContentDigest.Compute(Body);

        Assert.Equal(SignatureFailure.MissingComponent, Verify(request, hasBody: true).Failure);
    }

    [Fact]
    public void Verify_MutatedValidFields_NeverThrow()
    {
        using var key = AgentKey.Generate();
        var valid = Signed(key, hasBody: true);
        var input = valid.Headers["signature-input"];
        Gen.Select(Gen.Int[0, input.Length - 1], Gen.Char).Sample((i, c) =>
        {
            var request = valid with { Headers = new(valid.Headers) { ["signature-input"] = input[..i] + c + input[(i + 1)..] } };
            var check = HttpMessageVerifier.Verify(request.Parts, true, Now, SignaturePolicy.Default);
            return check.Ok == (input[i] == c);
        }, iter: 3000);
    }

    private static SignatureCheck Verify(FakeRequest request, bool hasBody) =>
        HttpMessageVerifier.Verify(request.Parts, hasBody, Now, SignaturePolicy.Default);

    private static FakeRequest Signed(AgentKey key, bool hasBody, string query = "", string? nonce = null)
    {
        var request = new FakeRequest(hasBody ? "POST" : "GET", "/v1/agents", query, []) { Body = hasBody ? Body : [] };
        if (hasBody)
        {
            request.Headers["content-digest"] = ContentDigest.Compute(Body);
        }

        var (input, signature) = HttpMessageSigner.Sign(key, request.Parts, hasBody, Now, nonce);
        request.Headers["signature-input"] = input;
        request.Headers["signature"] = signature;
        return request with { Headers = new(request.Headers) };
    }

    /// <summary>
    /// A request signed the way a generic RFC 9421 library signs it: the base written out by hand, covering
    /// <c>@method</c>, <c>@target-uri</c> (<paramref name="targetUri"/>) and, with a body, <c>content-digest</c>.
    /// </summary>
    private static FakeRequest SignedForTargetUri(AgentKey key, bool hasBody, string targetUri)
    {
        var method = hasBody ? "POST" : "GET";
        var request = new FakeRequest(method, "/v1/agents", "", []) { Body = hasBody ? Body : [] };
        var lines = new StringBuilder($"\"@method\": {method}\n\"@target-uri\": {targetUri}\n");
        var covered = "\"@method\" \"@target-uri\"";
        if (hasBody)
        {
            request.Headers["content-digest"] = ContentDigest.Compute(Body);
            lines.Append($"\"content-digest\": {request.Headers["content-digest"]}\n");
            covered += " \"content-digest\"";
        }

        var signatureParams = $"({covered});created={Now};keyid=\"{key.Did}\";alg=\"ed25519\"";
        lines.Append($"\"@signature-params\": {signatureParams}");
        request.Headers["signature-input"] = "sig1=" + signatureParams;
        request.Headers["signature"] = "sig1=:" + Convert.ToBase64String(key.Sign(Encoding.UTF8.GetBytes(lines.ToString()))) + ":";
        return request;
    }

    public sealed record FakeRequest(string Method, string Path, string Query, Dictionary<string, string> Headers)
    {
        public byte[] Body { get; init; } = [];

        public string Authority { get; init; } = "Gateway.Example:5080";

        public string? Scheme { get; init; } = "https";

        public HttpRequestParts Parts => new(
            Method, Authority, Path, Query, name => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null)
        {
            Body = Body,
            Scheme = Scheme,
        };
    }
}
