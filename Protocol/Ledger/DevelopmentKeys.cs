using System.Text;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Ledger;

/// <summary>
/// The ledger keys a standalone node uses when none are configured. Each seed is the plain Blake2b-256 of a public
/// label (<c>ainur-dev/validator/0</c>, <c>ainur-dev/orchestrator</c>, <c>ainur-dev/faucet</c>), so anyone can derive
/// them: they guard nothing and exist for development only.
/// </summary>
public static class DevelopmentKeys
{
    /// <summary>The chain id of a standalone node when none is configured.</summary>
    public const string ChainId = "ainur-dev";

    /// <summary>The seed for <paramref name="label"/>: Blake2b-256 of the UTF-8 text <c>ainur-dev/</c> + label.</summary>
    public static byte[] Seed(string label) => Blake2b.Content(Encoding.UTF8.GetBytes("ainur-dev/" + label)).ToArray();

    /// <summary>Validator <paramref name="index"/>'s development key.</summary>
    public static AgentKey Validator(int index) => AgentKey.FromSeed(Seed($"validator/{index}"));

    /// <summary>The orchestrator's development key; its DID is also the treasury unless one is configured.</summary>
    public static AgentKey Orchestrator() => AgentKey.FromSeed(Seed("orchestrator"));

    /// <summary>The standalone faucet's key.</summary>
    public static AgentKey Faucet() => AgentKey.FromSeed(Seed("faucet"));
}
