using Ainur.Protocol.Identity;
using Ainur.Silo.Hosting;
using Ainur.Silo.Ledger;

namespace Ainur.Grains.Tests.Ledger;

/// <summary>A standalone node's development keys: random, kept in its data folder (0600), the same on every later start.</summary>
public sealed class DevelopmentKeysTests : IDisposable
{
    private readonly string _folder = Path.Combine(Directory.CreateTempSubdirectory("ainur-node-keys-").FullName, "data");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);

    private string KeyFile => Path.Combine(_folder, DevelopmentKeys.FileName);

    [Fact]
    public void LoadOrCreate_FirstStart_WritesAFileOnlyTheOwnerMayRead_AndLaterStartsReadTheSameKeys()
    {
        var first = DevelopmentKeys.LoadOrCreate(_folder, 4);
        var second = DevelopmentKeys.LoadOrCreate(_folder, 4);

        Assert.Equal(KeyFile, first.Path);
        Assert.Equal(4, first.ValidatorSeeds.Length);
        Assert.Equal(Seeds(first), Seeds(second));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }

        Assert.Single(Directory.GetFiles(_folder)); // no temporary file left behind
    }

    [Fact]
    public void LoadOrCreate_TwoFolders_GiveUnrelatedKeys()
    {
        var other = Path.Combine(Path.GetDirectoryName(_folder)!, "other");

        var seeds = Seeds(DevelopmentKeys.LoadOrCreate(_folder, 4)).Concat(Seeds(DevelopmentKeys.LoadOrCreate(other, 4))).ToList();

        Assert.Equal(seeds.Count, seeds.Distinct().Count());
    }

    [Fact]
    public async Task LoadOrCreate_ManyFirstStartsAtOnce_AllGetTheKeysOfTheOneFileWritten()
    {
        var all = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => DevelopmentKeys.LoadOrCreate(_folder, 4))));

        var written = Seeds(DevelopmentKeys.LoadOrCreate(_folder, 4));
        Assert.All(all, keys => Assert.Equal(written, Seeds(keys)));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public void LoadOrCreate_FileReadableByOthers_IsRefused()
    {
        DevelopmentKeys.LoadOrCreate(_folder, 4);
        if (!OperatingSystem.IsWindows()) // the project runs on Linux; Windows has no such modes
        {
            File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

            var refused = Assert.Throws<InvalidOperationException>(() => DevelopmentKeys.LoadOrCreate(_folder, 4));

            Assert.Contains("chmod 600", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void LoadOrCreate_AnotherValidatorCount_IsRefused_BecauseTheSetCannotChange()
    {
        DevelopmentKeys.LoadOrCreate(_folder, 4);

        var refused = Assert.Throws<InvalidOperationException>(() => DevelopmentKeys.LoadOrCreate(_folder, 7));

        Assert.Contains("holds 4 validator keys but Ainur:Ledger:Validators is 7", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ConfiguredKeys_WinOverTheFile_WhichStillHoldsTheFaucet()
    {
        var development = DevelopmentKeys.LoadOrCreate(_folder, 4);
        var configured = Enumerable.Range(0, 5).Select(_ => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))).ToList();
        var options = new LedgerOptions { ValidatorKeys = configured[..4], OrchestratorKey = configured[4] };

        var settings = LedgerSetup.Build(options, AinurMode.Standalone, development);

        Assert.Equal(configured[..4].Select(DidOf), settings.ValidatorKeys.Select(k => k.Did));
        Assert.Equal(DidOf(configured[4]), settings.Orchestrator.Did);
        Assert.Equal(AgentKey.FromSeed(development.FaucetSeed).Did, settings.Faucet!.Did);
        Assert.False(settings.DevelopmentKeys);
    }

    [Fact]
    public void Build_Standalone_WithoutConfiguredKeys_SignsWithTheFilesKeys()
    {
        var development = DevelopmentKeys.LoadOrCreate(_folder, 4);

        var settings = LedgerSetup.Build(new LedgerOptions(), AinurMode.Standalone, development);

        Assert.Equal(development.ValidatorSeeds.Select(s => AgentKey.FromSeed(s).Did), settings.ValidatorKeys.Select(k => k.Did));
        Assert.Equal(AgentKey.FromSeed(development.OrchestratorSeed).Did, settings.Orchestrator.Did);
        Assert.True(settings.DevelopmentKeys);
        Assert.Equal(KeyFile, settings.DevelopmentKeysFile);
    }

    private static List<string> Seeds(DevelopmentKeys keys) =>
        [.. keys.ValidatorSeeds.Append(keys.OrchestratorSeed).Append(keys.FaucetSeed).Select(Convert.ToBase64String)];

    private static Did DidOf(string seed) => AgentKey.FromSeed(Convert.FromBase64String(seed)).Did;
}
