using Ainur.Protocol.Agents;

namespace Ainur.LoadTests.Tools;

/// <summary>What the load tools' agents offer: one deterministic echo capability at a fixed price, run remotely (by the tool).</summary>
internal static class LoadAgents
{
    public const string Capability = "load.echo";
    public const long Price = 10;
    public const long Stake = 100;

    /// <summary>Credits each account of a run gets (the faucet's grant of a standalone node).</summary>
    public const long Funding = 1_000_000;

    public static AgentManifest Manifest { get; } = new(
        "load-agent",
        "1.0.0",
        [new Capability(Capability, "Echoes its input.", Price, """{"type":"object"}""", """{"type":"object"}""", Deterministic: true)],
        new AgentRuntime(RuntimeKind.Remote, null),
        null);
}
