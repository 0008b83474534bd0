using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Cli;
using Ainur.Protocol.HttpSignatures;
using Ainur.Protocol.Identity;

namespace Ainur.Gateway.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ainur-cli-").FullName;
    private readonly Dictionary<string, string> _environment = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public CliTests()
    {
        _environment["HOME"] = _directory;
        _environment["AINUR_PASSPHRASE"] = "test passphrase";
    }

    private string KeyPath => Path.Combine(_directory, ".ainur", "key.json");

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        _output.Dispose();
        _error.Dispose();
    }

    [Fact]
    public async Task KeysNew_DefaultPath_WritesEncryptedFileWithMode0600()
    {
        Assert.Equal(0, await RunAsync("keys", "new"));

        var text = await File.ReadAllTextAsync(KeyPath, TestContext.Current.CancellationToken);
        Assert.True(KeyFile.IsEncrypted(text));
        Assert.Contains(KeyFile.ReadDid(text).Value, _output.ToString(), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
        }
    }

    [Fact]
    public async Task KeysNewThenShow_Json_ReportsSameDid()
    {
        Assert.Equal(0, await RunAsync("keys", "new", "--json"));
        var created = JsonNode.Parse(_output.ToString())!;
        _output.GetStringBuilder().Clear();
        _environment.Remove("AINUR_PASSPHRASE");

        Assert.Equal(0, await RunAsync("keys", "show", "--json"));

        var shown = JsonNode.Parse(_output.ToString())!;
        Assert.Equal((string)created["did"]!, (string)shown["did"]!);
        Assert.Equal(KeyPath, (string)shown["file"]!);
        var did = Did.Parse((string)shown["did"]!);
        Assert.Equal(did.PublicKey.ToArray(), System.Buffers.Text.Base64Url.DecodeFromChars((string)shown["publicKey"]!));
    }

    [Fact]
    public async Task KeysNew_Existing_RefusesWithoutForce()
    {
        Assert.Equal(0, await RunAsync("keys", "new", "--unencrypted"));
        var before = await File.ReadAllTextAsync(KeyPath, TestContext.Current.CancellationToken);

        Assert.Equal(2, await RunAsync("keys", "new", "--unencrypted"));
        Assert.Equal(before, await File.ReadAllTextAsync(KeyPath, TestContext.Current.CancellationToken));
        Assert.Equal(0, await RunAsync("keys", "new", "--unencrypted", "--force"));
        Assert.NotEqual(before, await File.ReadAllTextAsync(KeyPath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task KeysNew_EmptyPassphrase_IsInputError()
    {
        _environment["AINUR_PASSPHRASE"] = "";

        Assert.Equal(2, await RunAsync("keys", "new"));
        Assert.False(File.Exists(KeyPath));
    }

    [Fact]
    public async Task AgentRegister_WrongPassphrase_ExitCode2()
    {
        Assert.Equal(0, await RunAsync("keys", "new"));
        _environment["AINUR_PASSPHRASE"] = "not it";

        Assert.Equal(2, await RunAsync("agent", "register", "--manifest", await ManifestAsync()));
        Assert.Contains("Wrong passphrase", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentRegister_MissingManifest_ExitCode2()
    {
        Assert.Equal(0, await RunAsync("keys", "new", "--unencrypted"));

        Assert.Equal(2, await RunAsync("agent", "register", "--manifest", Path.Combine(_directory, "none.json")));
    }

    [Fact]
    public async Task AgentRegister_NoManifestOption_UsageError() =>
        Assert.Equal(1, await RunAsync("agent", "register"));

    [Fact]
    public async Task AgentRegister_SendsSignedRequestTheVerifierAccepts()
    {
        Assert.Equal(0, await RunAsync("keys", "new", "--unencrypted"));
        var did = KeyFile.ReadDid(await File.ReadAllTextAsync(KeyPath, TestContext.Current.CancellationToken));
        _output.GetStringBuilder().Clear();
        SignatureCheck? check = null;
        JsonNode? sent = null;
        var handler = new FakeGateway(async request =>
        {
            var body = await request.Content!.ReadAsByteArrayAsync();
            sent = JsonNode.Parse(body);
            var parts = new HttpRequestParts(
                request.Method.Method,
                request.RequestUri!.Authority,
                request.RequestUri.AbsolutePath,
                request.RequestUri.Query,
                name => request.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null)
            {
                Body = body,
            };
            check = HttpMessageVerifier.Verify(parts, hasBody: true, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), SignaturePolicy.Default);
            var view = new JsonObject { ["did"] = did.Value, ["version"] = 1, ["outcome"] = "created", ["manifest"] = sent!["manifest"]!.DeepClone() };
            return new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(view.ToJsonString(), Encoding.UTF8, "application/json") };
        });

        Assert.Equal(0, await RunAsync(handler, "agent", "register", "--manifest", await ManifestAsync(), "--gateway", "http://gw.test:5080", "--json"));

        Assert.True(check!.Ok, check.Detail);
        Assert.Equal(did, check.Signer);
        Assert.Equal(did.Value, (string)sent!["did"]!);
        Assert.Equal("echo", (string)sent["manifest"]!["name"]!);
        Assert.Equal("created", (string)JsonNode.Parse(_output.ToString())!["outcome"]!);
    }

    [Fact]
    public async Task AgentShow_Problem404_PrintsTitleAndDetailExitCode3()
    {
        var handler = new FakeGateway(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound)
        {
            Content = new StringContent("{\"title\":\"Agent not found\",\"detail\":\"No agent has that DID.\",\"status\":404}", Encoding.UTF8, "application/problem+json"),
        }));

        Assert.Equal(3, await RunAsync(handler, "agent", "show", "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw"));
        Assert.Equal("error: Agent not found: No agent has that DID.", _error.ToString().Trim());
    }

    [Fact]
    public async Task AgentRegister_Problem422_PrintsEachManifestErrorWithoutJson()
    {
        Assert.Equal(0, await RunAsync("keys", "new", "--unencrypted"));
        var handler = new FakeGateway(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.UnprocessableEntity)
        {
            Content = new StringContent(
                """{"title":"The manifest is invalid","status":422,"code":"invalid-manifest","errors":[{"field":"capabilities/0/price","message":"must not be negative"},{"field":"name","message":"is required"}]}""",
                Encoding.UTF8,
                "application/problem+json"),
        }));

        Assert.Equal(3, await RunAsync(handler, "agent", "register", "--manifest", await ManifestAsync()));

        Assert.Equal(
            ["error: The manifest is invalid (invalid-manifest)", "capabilities/0/price: must not be negative", "name: is required"],
            _error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task TaskSubmit_InputFromAtFile_SendsTheFilesJson()
    {
        Assert.Equal(0, await RunAsync("keys", "new", "--unencrypted"));
        var inputFile = Path.Combine(_directory, "input.json");
        await File.WriteAllTextAsync(inputFile, "{ \"text\": \"two words\" }\n", TestContext.Current.CancellationToken);
        JsonNode? sent = null;
        var handler = new FakeGateway(async request =>
        {
            if (request.Method == HttpMethod.Get)
            {
                return Json(HttpStatusCode.OK, """{"chainId":"test-chain"}""");
            }

            sent = JsonNode.Parse(await request.Content!.ReadAsStringAsync());
            return Json(HttpStatusCode.Accepted, """{"id":"00","state":"pending"}""");
        });

        Assert.Equal(0, await RunAsync(handler, "task", "submit", "--capability", "text.echo", "--input", "@" + inputFile, "--max-price", "3", "--no-watch", "--gateway", "http://gw.test:5080"));

        Assert.Equal("""{"text":"two words"}""", sent!["input"]!.ToJsonString());

        static HttpResponseMessage Json(HttpStatusCode status, string body) =>
            new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }

    [Fact]
    public async Task AgentShow_ServerError_ExitCode4() =>
        Assert.Equal(4, await RunAsync(
            new FakeGateway(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))),
            "agent", "show", "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw"));

    [Fact]
    public async Task AgentShow_Unreachable_ExitCode4() =>
        Assert.Equal(4, await RunAsync(
            new FakeGateway(_ => throw new HttpRequestException("connection refused")),
            "agent", "show", "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw"));

    private Task<int> RunAsync(params string[] args) => RunAsync(null, args);

    private Task<int> RunAsync(HttpMessageHandler? handler, params string[] args) =>
        AinurCli.InvokeAsync(
            args,
            new CliContext(_output, _error, name => _environment.GetValueOrDefault(name), _ => null, handler),
            TestContext.Current.CancellationToken);

    private async Task<string> ManifestAsync()
    {
        var path = Path.Combine(_directory, "manifest.json");
        await File.WriteAllTextAsync(path, "{\"name\":\"echo\",\"version\":\"1.0.0\"}", TestContext.Current.CancellationToken);
        return path;
    }

    private sealed class FakeGateway(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => respond(request);
    }
}
