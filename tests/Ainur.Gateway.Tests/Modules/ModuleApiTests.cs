using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;
using Ainur.Testing.Wasm;

namespace Ainur.Gateway.Tests.Modules;

/// <summary>
/// <c>PUT /v1/modules</c> and <c>GET /v1/modules/{hash}</c> over real HTTP: content addressing, ABI refusals that store
/// nothing, the size cap, and registration of a wasm agent only once its module is stored.
/// </summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class ModuleApiTests(StandaloneGatewayFixture fixture)
{
    private InProcessGateway Gateway => fixture.Gateway;

    [Fact]
    public async Task Upload_NewModule_Created_ThenReadableByHash_AndAgainIsOk()
    {
        using var key = AgentKey.Generate();
        using var client = new SignedClient(Gateway.Http);
        // A fresh module per run (an extra export name) so "created" is this test's own.
        var bytes = WasmExamples.FreshEcho();

        var created = await HttpAssert.JsonAsync(await client.UploadModuleAsync(key, bytes, Ct), HttpStatusCode.Created);
        var again = await HttpAssert.JsonAsync(await client.UploadModuleAsync(key, bytes, Ct), HttpStatusCode.OK);

        var hash = Blake2b.Content(bytes).ToString();
        Assert.Equal((hash, bytes.Length), (created.GetProperty("hash").GetString(), created.GetProperty("size").GetInt32()));
        Assert.Equal(hash, again.GetProperty("hash").GetString());
        using var read = await client.Http.GetAsync($"/v1/modules/{hash}", Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("application/wasm", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await read.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(key.Did.Value, read.Headers.GetValues("Ainur-Module-Uploaded-By").Single());
    }

    [Theory]
    [InlineData("garbage", "invalid-module")]
    [InlineData("empty", "invalid-module")]
    [InlineData("hostile/forbidden-import", "forbidden-import")]
    [InlineData("no-exports", "missing-export")]
    [InlineData("wrong-run", "wrong-signature")]
    [InlineData("huge-memory", "memory-too-large")]
    public async Task Upload_BrokenOrAbiViolating_Refused422_AndStoredNowhere(string module, string code)
    {
        using var key = AgentKey.Generate();
        using var client = new SignedClient(Gateway.Http);
        var bytes = module switch
        {
            "garbage" => "\0asm not really a module"u8.ToArray(),
            "empty" => [],
            "no-exports" => Wat("(module (memory (export \"memory\") 1))"),
            "wrong-run" => Wat("(module (memory (export \"memory\") 1) (func (export \"ari_alloc\") (param i32) (result i32) (i32.const 0)) (func (export \"ari_run\") (param i32) (result i32) (i32.const 0)))"),
            "huge-memory" => Wat("(module (memory (export \"memory\") 4000) (func (export \"ari_alloc\") (param i32) (result i32) (i32.const 0)) (func (export \"ari_run\") (param i32 i32) (result i32) (i32.const 0)))"),
            _ => WasmExamples.Bytes(module),
        };

        await HttpAssert.ProblemAsync(await client.UploadModuleAsync(key, bytes, Ct), HttpStatusCode.UnprocessableEntity, code);

        using var read = await client.Http.GetAsync($"/v1/modules/{Blake2b.Content(bytes)}", Ct);
        await HttpAssert.ProblemAsync(read, HttpStatusCode.NotFound, "module-not-found");
    }

    [Fact]
    public async Task Upload_LargerThanTheCap_Refused413()
    {
        using var key = AgentKey.Generate();
        using var request = RequestSigner.SignedBytes(key, Gateway.Address, HttpMethod.Put, "/v1/modules", new byte[4 * 1024 * 1024 + 1], "application/wasm");
        // The node answers from the Content-Length, before the body: the client waits for that answer instead of sending it.
        request.Headers.ExpectContinue = true;
        await HttpAssert.ProblemAsync(await Gateway.Http.SendAsync(request, Ct), HttpStatusCode.RequestEntityTooLarge, "body-too-large");
    }

    [Fact]
    public async Task Upload_Unsigned_Refused401()
    {
        using var client = new SignedClient(Gateway.Http);
        using var content = new ByteArrayContent(WasmExamples.Bytes(WasmExamples.Echo));
        await HttpAssert.ProblemAsync(await client.Http.PutAsync("/v1/modules", content, Ct), HttpStatusCode.Unauthorized, "signature-missing");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public async Task Get_NotAHash_Refused400(string hash)
    {
        using var client = new SignedClient(Gateway.Http);
        await HttpAssert.ProblemAsync(await client.Http.GetAsync($"/v1/modules/{hash}", Ct), HttpStatusCode.BadRequest, "invalid-hash");
    }

    [Fact]
    public async Task RegisterWasmAgent_ModuleNotStored_Refused422_ThenAcceptedOnceUploaded()
    {
        using var key = AgentKey.Generate();
        using var client = new SignedClient(Gateway.Http);
        var bytes = WasmExamples.FreshEcho();
        var manifest = SignedClient.WasmManifestJson(Blake2b.Content(bytes).ToString());

        var refused = await HttpAssert.ProblemAsync(await client.RegisterAsync(key, manifest, Ct), HttpStatusCode.UnprocessableEntity, "invalid-manifest");
        Assert.Equal("runtime/moduleHash", refused.GetProperty("errors")[0].GetProperty("field").GetString());
        await HttpAssert.ProblemAsync(await client.GetAgentAsync(key.Did.Value, Ct), HttpStatusCode.NotFound, "agent-not-found");

        await HttpAssert.JsonAsync(await client.UploadModuleAsync(key, bytes, Ct), HttpStatusCode.Created);
        await HttpAssert.JsonAsync(await client.RegisterAsync(key, manifest, Ct), HttpStatusCode.Created);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Wat(string text) => Wasmtime.Module.ConvertText(text).ToArray();
}
