using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>
/// The fixed keys every vector is made with: each seed is one byte repeated 32 times, so another implementation can
/// rebuild the key from the seed the vector prints. Ed25519 signing is deterministic, so fixed seeds give fixed signatures.
/// </summary>
internal static class VectorKeys
{
    /// <summary>The chain id every vector signs for.</summary>
    public const string ChainId = "ainur-vectors";

    public static readonly NamedKey Alice = new("alice", 0x01);
    public static readonly NamedKey Bob = new("bob", 0x02);
    public static readonly NamedKey Carol = new("carol", 0x03);
    public static readonly NamedKey Dave = new("dave", 0x04);
    public static readonly NamedKey Erin = new("erin", 0x05);
    public static readonly NamedKey Orchestrator = new("orchestrator", 0x0e);

    /// <summary>Four validators (f = 1), seeds 0xa0 to 0xa3.</summary>
    public static readonly NamedKey[] Validators = [.. Enumerable.Range(0, 4).Select(i => new NamedKey($"validator-{i}", (byte)(0xa0 + i)))];

    public static IEnumerable<NamedKey> All => [Alice, Bob, Carol, Dave, Erin, Orchestrator, .. Validators];
}

/// <summary>A vector key: its name in the files, its seed byte, and the key.</summary>
internal sealed class NamedKey(string name, byte seedByte)
{
    public string Name { get; } = name;

    public byte[] Seed { get; } = Enumerable.Repeat(seedByte, AgentKey.SeedLength).ToArray();

    public AgentKey Key => field ??= AgentKey.FromSeed(Seed);

    public Did Did => Key.Did;
}
