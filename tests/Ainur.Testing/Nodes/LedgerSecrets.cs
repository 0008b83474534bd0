using System.Globalization;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Silo.Hosting;

namespace Ainur.Testing.Nodes;

/// <summary>
/// Ledger keys for a test cluster, derived from its cluster id so that every silo process of one cluster gets the same
/// ones without sharing files: cluster mode refuses development keys, and tests must not carry real secrets.
/// </summary>
public sealed class LedgerSecrets
{
    private LedgerSecrets(string clusterId, int validators)
    {
        ChainId = $"test-{clusterId}";
        ValidatorSeeds = [.. Enumerable.Range(0, validators).Select(i => Seed(clusterId, $"validator/{i}"))];
        OrchestratorSeed = Seed(clusterId, "orchestrator");
    }

    /// <summary>The chain id.</summary>
    public string ChainId { get; }

    /// <summary>Validator i's seed at index i.</summary>
    public IReadOnlyList<byte[]> ValidatorSeeds { get; }

    /// <summary>The orchestrator's seed.</summary>
    public byte[] OrchestratorSeed { get; }

    /// <summary>The secrets of cluster <paramref name="clusterId"/> with <paramref name="validators"/> validators.</summary>
    public static LedgerSecrets For(string clusterId, int validators = 4) => new(clusterId, validators);

    /// <summary>The <c>Ainur:Ledger:*</c> settings carrying these secrets.</summary>
    public Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ainur:Ledger:ChainId"] = ChainId,
            ["Ainur:Ledger:Validators"] = ValidatorSeeds.Count.ToString(CultureInfo.InvariantCulture),
            ["Ainur:Ledger:OrchestratorKey"] = Convert.ToBase64String(OrchestratorSeed),
        };
        for (var i = 0; i < ValidatorSeeds.Count; i++)
        {
            settings[$"Ainur:Ledger:ValidatorKeys:{i}"] = Convert.ToBase64String(ValidatorSeeds[i]);
        }

        return settings;
    }

    /// <summary>The same secrets as options for silos built in process, with fast timeouts for tests.</summary>
    public LedgerOptions Options() => new()
    {
        ChainId = ChainId,
        Validators = ValidatorSeeds.Count,
        ValidatorKeys = [.. ValidatorSeeds.Select(Convert.ToBase64String)],
        OrchestratorKey = Convert.ToBase64String(OrchestratorSeed),
        ProposeTimeoutMs = 300,
        PrevoteTimeoutMs = 200,
        PrecommitTimeoutMs = 200,
        TimeoutDeltaMs = 100,
    };

    /// <summary>A key of this cluster's test account <paramref name="name"/> (for genesis allocations).</summary>
    public static AgentKey Account(string clusterId, string name) => AgentKey.FromSeed(Seed(clusterId, $"account/{name}"));

    private static byte[] Seed(string clusterId, string label) =>
        Blake2b.Content(System.Text.Encoding.UTF8.GetBytes($"ainur-test/{clusterId}/{label}")).ToArray();
}
