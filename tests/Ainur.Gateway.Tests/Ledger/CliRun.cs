using Ainur.Cli;
using Ainur.Protocol.Identity;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>Runs the <c>ainur</c> command tree in-process against a gateway, with a throwaway home directory.</summary>
internal sealed class CliRun(Uri gateway) : IDisposable
{
    public string Home { get; } = Directory.CreateTempSubdirectory("ainur-ledger-cli-").FullName;

    public void Dispose() => Directory.Delete(Home, recursive: true);

    /// <summary>A path inside <see cref="Home"/>.</summary>
    public string File(string name) => Path.Combine(Home, name);

    /// <summary>A key file of <paramref name="key"/> in <see cref="Home"/>, unsealed (written once per key).</summary>
    public string KeyFileOf(AgentKey key)
    {
        var file = File($"{key.Did.Value[^12..]}.json");
        if (!System.IO.File.Exists(file))
        {
            System.IO.File.WriteAllText(file, KeyFile.Seal(key, null));
        }

        return file;
    }

    public async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RunAsync(output, error, args);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs with the caller's writers, which it may read while the command runs (see <see cref="LiveWriter"/>).</summary>
    public Task<int> RunAsync(TextWriter output, TextWriter error, params string[] args)
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["AINUR_PASSPHRASE"] = "ledger passphrase",
            ["AINUR_GATEWAY"] = gateway.ToString(),
        };
        var context = new CliContext(output, error, name => environment.GetValueOrDefault(name), _ => null);
        return AinurCli.InvokeAsync(args, context, TestContext.Current.CancellationToken);
    }
}
