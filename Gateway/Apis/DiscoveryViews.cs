using Ainur.Grains.Interfaces.Discovery;

namespace Ainur.Gateway.Apis;

/// <summary>A page of <c>GET /v1/agents</c>: agents in DID order and the cursor of the next page (null on the last).</summary>
public sealed record AgentPage(IReadOnlyList<ListedAgentView> Agents, string? Next);

/// <summary>An agent in a listing: its offers (of the listed capability, when one was named) and whether it is present.</summary>
public sealed record ListedAgentView(string Did, string Name, IReadOnlyList<OfferView> Capabilities, bool Present)
{
    /// <summary>The view of <paramref name="agent"/>.</summary>
    public static ListedAgentView From(ListedAgent agent) =>
        new(agent.Agent.Value, agent.Name, [.. agent.Offers.Select(o => new OfferView(o.Capability, o.Description, o.Price))], agent.Present);
}

/// <summary>One capability an agent offers, with its price per task.</summary>
public sealed record OfferView(string Id, string Description, long Price);

/// <summary>A page of <c>GET /v1/capabilities</c>.</summary>
public sealed record CapabilityPage(IReadOnlyList<CapabilityView> Capabilities, string? Next);

/// <summary>A capability with how many active agents offer it and the range of their prices.</summary>
public sealed record CapabilityView(string Id, int Agents, long MinPrice, long MaxPrice);

/// <summary>The answer of <c>GET /v1/discover</c>: the checked query, and agents best first (eligible ones before the others).</summary>
public sealed record DiscoverView(string Query, int K, long? MaxPrice, bool Cached, IReadOnlyList<DiscoveredAgentView> Agents);

/// <summary>One ranked agent: score = similarity x reputation, its price and load, and why it ranks there.</summary>
public sealed record DiscoveredAgentView(
    string Did, string Name, string Capability, string Description, double Score, double Similarity, double Reputation, long Price,
    int InFlight, bool Present, bool Staked, bool Eligible, string Why)
{
    /// <summary>The view of <paramref name="agent"/>.</summary>
    public static DiscoveredAgentView From(DiscoveredAgent agent) => new(
        agent.Agent.Value, agent.Name, agent.Capability, agent.Description, Math.Round(agent.Score, 6), Math.Round(agent.Similarity, 6),
        Math.Round(agent.Reputation, 6), agent.Price, agent.InFlight, agent.Present, agent.Staked, agent.Eligible, agent.Why);
}

/// <summary>The answer of a heartbeat: the agent counts as present for <paramref name="TtlSeconds"/> from now.</summary>
public sealed record HeartbeatView(string Did, bool Present, double TtlSeconds);
