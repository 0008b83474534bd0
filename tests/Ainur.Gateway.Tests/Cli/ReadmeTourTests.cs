using System.Text;
using Ainur.Testing;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Cli;

/// <summary>
/// The README's tour, taken from the README itself so the two cannot drift: every <c>sh</c> block of "A tour", in order,
/// run by bash as one script, against a fresh node process, with the built <c>ainur</c> and the shipped examples.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class ReadmeTourTests : IDisposable
{
    private const string DefaultGateway = "http://127.0.0.1:5080";

    // About 2 minutes on a quiet 2-core machine; every test app running beside it (CI) has doubled that. Each `ainur` line
    // is a process start, so the tour slows with the machine's load more than the node does.
    private static readonly TimeSpan TimeLimit = TimeSpan.FromMinutes(8);

    private readonly string _folder = Directory.CreateTempSubdirectory("ainur-tour-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact(Timeout = 600_000)]
    public async Task Tour_EveryShellBlock_RunsAsWritten()
    {
        var ct = TestContext.Current.CancellationToken;
        var blocks = await ReadmeScript.BlocksAsync("## A tour", ct);
        Assert.True(blocks.Count >= 4, $"found {blocks.Count} sh blocks in the tour");
        await using var database = await TestDatabase.CreateAsync(ct);
        // A short challenge window, so that the tour's silent client is paid within seconds rather than the default 30.
        await using var node = await GatewayProcess.StartStandaloneAsync(
            database, $"tour-{Guid.NewGuid():N}", new Dictionary<string, string?> { ["Ainur:Tasks:ChallengeWindow"] = "00:00:03" }, ct);

        var (code, output) = await RunTourAsync(Script(blocks, node.Address), node.Address, ct);

        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.True(code == 0, $"the tour stopped with exit code {code}:\n{output}");
        foreach (var expected in new[]
        {
            "created: did:key:", "unchanged: did:key:", "updated: did:key:", "valid: transfer ", "executed attempt 1 of verifying: ",
            "\"summary\":\"Ainur pays agents for verified work.\"", "waiting for the challenge window to end at ", "settled: ", "remaining 95",
        })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
    }

    // The blocks as one script. The solution is built already (the test runs from it), so the tour's build line is left
    // out; the node's address replaces the default one.
    private static string Script(IEnumerable<string> blocks, Uri node)
    {
        var script = new StringBuilder("""
            set -eu
            shopt -s expand_aliases
            trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

            """);
        foreach (var line in blocks.SelectMany(b => b.Split('\n')).Where(l => !l.StartsWith("dotnet build ", StringComparison.Ordinal)))
        {
            script.AppendLine(line.Replace(DefaultGateway, node.ToString().TrimEnd('/'), StringComparison.Ordinal));
        }

        return script.ToString();
    }

    // Runs the script in a folder that looks like the checkout (Cli and examples linked in) and a fresh home.
    private async Task<(int Code, string Output)> RunTourAsync(string script, Uri node, CancellationToken ct)
    {
        var work = Directory.CreateDirectory(Path.Combine(_folder, "checkout")).FullName;
        var home = Directory.CreateDirectory(Path.Combine(_folder, "home")).FullName;
        foreach (var linked in new[] { "Cli", "examples" })
        {
            Directory.CreateSymbolicLink(Path.Combine(work, linked), Path.Combine(BuiltNode.RepositoryRoot, linked));
        }

        return await ReadmeScript.RunAsync(script, work, new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["AINUR_GATEWAY"] = node.ToString(),
            ["AINUR_PASSPHRASE"] = null,
            ["AINUR_KEY_FILE"] = null,
        }, TimeLimit, ct);
    }
}
