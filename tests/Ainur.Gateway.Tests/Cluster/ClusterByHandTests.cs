using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ainur.Gateway.Tests.Cli;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Cluster;

/// <summary>
/// The README's "A cluster of silo processes, by hand": its shell block, taken from README.md at test time, run by bash
/// as written: its own PostgreSQL instance, a test authority made with openssl, two TLS silo processes and a gateway,
/// genesis funds, a payment. Only the fixed ports become free ones and the checkout is a scratch copy (the built
/// projects and scripts linked in), so the test runs beside a node, other tests, or the reader's own cluster.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class ClusterByHandTests : IDisposable
{
    private const string Heading = "### A cluster of silo processes, by hand";

    private readonly string _folder = Directory.CreateTempSubdirectory("ainur-cluster-by-hand-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact(Timeout = 300_000)]
    public async Task ReadmeClusterByHand_RunsBesideANode_AndPays()
    {
        var ct = TestContext.Current.CancellationToken;
        var blocks = await ReadmeScript.BlocksAsync(Heading, ct);
        Assert.Single(blocks);
        var work = Directory.CreateDirectory(Path.Combine(_folder, "checkout")).FullName;
        foreach (var linked in new[] { "Cli", "Silo", "Gateway", "scripts" })
        {
            Directory.CreateSymbolicLink(Path.Combine(work, linked), Path.Combine(BuiltNode.RepositoryRoot, linked));
        }

        var (code, output) = await ReadmeScript.RunAsync(Script(blocks[0], work), work, new Dictionary<string, string?>
        {
            ["HOME"] = Directory.CreateDirectory(Path.Combine(_folder, "home")).FullName,
            ["AINUR_PG_CLUSTER_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["AINUR_GATEWAY"] = null,
            ["AINUR_PASSPHRASE"] = null,
            ["AINUR_KEY_FILE"] = null,
        }, TimeSpan.FromMinutes(4), ct);

        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.True(code == 0, $"the README's cluster stopped with exit code {code}:\n{output}");
        Assert.Matches(@"(?m)^  balance   1000000$", output);
        Assert.Contains("chain my-chain: 4 validators", output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  balance   250$", output);
        Assert.Contains("Cluster TLS on: this process shows CN=my-node", output, StringComparison.Ordinal);
    }

    // The block as one script: the solution is built already (the test runs from it), so the build line is left out; each
    // fixed port becomes a free one; a failure still stops what the block started (jobs, its PostgreSQL).
    private static string Script(string block, string work)
    {
        var ports = new Dictionary<string, string>();
        var script = new StringBuilder($"""
            set -eu
            shopt -s expand_aliases
            trap 'kill $(jobs -p) 2>/dev/null || true; bash "{work}/scripts/pg.sh" stop cluster >/dev/null 2>&1 || true' EXIT

            """);
        foreach (var line in block.Split('\n').Where(l => !l.StartsWith("dotnet build ", StringComparison.Ordinal)))
        {
            var local = FixedPort().Replace(line, m => ports.TryGetValue(m.Value, out var port)
                ? port
                : ports[m.Value] = FreePort.Next().ToString(CultureInfo.InvariantCulture));
            script.AppendLine(local.Replace("/bin/Release/", $"/bin/{BuiltNode.Configuration}/", StringComparison.Ordinal));
        }

        return script.ToString();
    }

    [GeneratedRegex(@"\b(11121|11122|30021|30022|5081|5091|5092)\b")]
    private static partial Regex FixedPort();
}
