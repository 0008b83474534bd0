using System.Collections.Immutable;
using Ainur.Protocol.Agents;
using CsCheck;

namespace Ainur.Protocol.Tests.Agents;

/// <summary>Valid manifests, by hand and by generator.</summary>
internal static class Manifests
{
    public static AgentManifest Valid(string name = "summarizer", long price = 5) => new(
        name,
        "1.0.0",
        [new Capability("text.summarize", "Summarizes English text.\nKeeps it short.", price, """{"type":"object"}""", "{}")],
        new AgentRuntime(RuntimeKind.Remote, null),
        "https://agent.example/run");

    public static readonly Gen<AgentManifest> Gen =
        from name in CsCheck.Gen.String[CsCheck.Gen.Char.AlphaNumeric, 1, 64]
        from version in CsCheck.Gen.String[CsCheck.Gen.Char.AlphaNumeric, 1, 32]
        from count in CsCheck.Gen.Int[1, 5]
        from prices in CsCheck.Gen.Long[0, ManifestRules.MaxPrice].Array[count]
        from deterministic in CsCheck.Gen.Bool.Array[count]
        from wasm in CsCheck.Gen.Bool
        from hash in CsCheck.Gen.Char["0123456789abcdef"].Array[64]
        select new AgentManifest(
            name,
            version,
            [.. prices.Select((p, i) => new Capability($"cap.{i}", $"capability {i}", p, "{}", "true", deterministic[i]))],
            wasm ? new AgentRuntime(RuntimeKind.Wasm, new string(hash)) : new AgentRuntime(RuntimeKind.Remote, null),
            wasm ? null : "http://127.0.0.1:7070");

    /// <summary>The same content in fresh arrays and strings, so equality cannot lean on references.</summary>
    public static AgentManifest DeepCopy(AgentManifest m) => new(
        new string(m.Name.AsSpan()),
        new string(m.Version.AsSpan()),
        [.. m.Capabilities.Select(c => c with { Id = new string(c.Id.AsSpan()) })],
        m.Runtime with { },
        m.Endpoint);

    public static ImmutableArray<Capability> Capabilities(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Capability($"c{i}", "d", 1, "{}", "{}"))];
}
