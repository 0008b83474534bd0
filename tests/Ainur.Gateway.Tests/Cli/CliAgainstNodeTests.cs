using System.Text.Json.Nodes;
using Ainur.Cli;
using Ainur.Gateway.Tests.Api;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Cli;

/// <summary>The README's CLI tour, against a real node over real HTTP.</summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class CliAgainstNodeTests(StandaloneGatewayFixture fixture) : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("ainur-cli-node-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task Tour_KeysNewRegisterTwiceShowDeregisterRegister_Works()
    {
        var manifest = Path.Combine(BuiltNode.RepositoryRoot, "examples", "agents", "echo-agent.manifest.json");
        var (code, output) = await RunAsync("keys", "new", "--json");
        Assert.Equal(0, code);
        var did = (string)JsonNode.Parse(output)!["did"]!;

        (code, output) = await RunAsync("agent", "register", "--manifest", manifest, "--json");
        Assert.Equal(0, code);
        Assert.Equal("created", (string)JsonNode.Parse(output)!["outcome"]!);

        (code, output) = await RunAsync("agent", "register", "--manifest", manifest, "--json");
        Assert.Equal(0, code);
        Assert.Equal("unchanged", (string)JsonNode.Parse(output)!["outcome"]!);

        (code, output) = await RunAsync("agent", "show", did, "--json");
        Assert.Equal(0, code);
        var shown = JsonNode.Parse(output)!;
        Assert.Equal(did, (string)shown["did"]!);
        Assert.Equal("text.echo", (string)shown["manifest"]!["capabilities"]![0]!["id"]!);
        Assert.True((bool)shown["manifest"]!["capabilities"]![0]!["deterministic"]!);
        Assert.Null(shown["deregisteredAt"]);

        (code, output) = await RunAsync("agent", "deregister");
        Assert.Equal(0, code);
        Assert.StartsWith($"deregistered: {did} since ", output, StringComparison.Ordinal);

        (code, output) = await RunAsync("agent", "show", did, "--json");
        Assert.Equal(0, code);
        Assert.NotNull(JsonNode.Parse(output)!["deregisteredAt"]);

        (code, output) = await RunAsync("agent", "register", "--manifest", manifest, "--json");
        Assert.Equal(0, code);
        Assert.Equal(("updated", 2), ((string)JsonNode.Parse(output)!["outcome"]!, (int)JsonNode.Parse(output)!["version"]!));
    }

    [Fact]
    public async Task Discover_NeedInWords_ListsTheEchoAgent_SubmitNeedWithoutMatch_ExitCode3()
    {
        var manifest = Path.Combine(BuiltNode.RepositoryRoot, "examples", "agents", "echo-agent.manifest.json");
        Assert.Equal(0, (await RunAsync("keys", "new", "--json")).Code);
        Assert.Equal(0, (await RunAsync("agent", "register", "--manifest", manifest, "--json")).Code);

        var (code, output) = await RunAsync("discover", "send my text back to me unchanged", "--k", "50", "--json");
        Assert.Equal(0, code);
        Assert.Contains(JsonNode.Parse(output)!["agents"]!.AsArray(), a => (string)a!["capability"]! == "text.echo");

        (code, _) = await RunAsync("discover", "", "--json");
        Assert.Equal(3, code);

        // The agent is neither staked nor funded here: no eligible agent, so nothing is signed or submitted.
        (code, output) = await RunAsync("task", "submit", "--need", "send my text back to me unchanged", "--input", "{}", "--max-price", "5");
        Assert.Equal(3, code);
        Assert.Contains("no present, staked agent", output, StringComparison.Ordinal);

        (code, _) = await RunAsync("task", "submit", "--need", "x", "--capability", "text.echo", "--input", "{}", "--max-price", "5");
        Assert.Equal(1, code);
    }

    [Fact]
    public async Task AgentShow_UnknownAgent_ExitCode3()
    {
        var (code, _) = await RunAsync("keys", "new", "--json");
        Assert.Equal(0, code);

        (code, _) = await RunAsync("agent", "show", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");

        Assert.Equal(3, code);
    }

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = _home,
            ["AINUR_PASSPHRASE"] = "tour passphrase",
            ["AINUR_GATEWAY"] = fixture.Gateway.Address.ToString(),
        };
        var context = new CliContext(output, error, name => environment.GetValueOrDefault(name), _ => null);
        var code = await AinurCli.InvokeAsync(args, context, TestContext.Current.CancellationToken);
        return (code, output.ToString() + error);
    }
}
