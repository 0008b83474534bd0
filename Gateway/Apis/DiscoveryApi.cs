using System.Globalization;
using Ainur.Gateway.Authentication;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;
using Ainur.Silo.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Ainur.Gateway.Apis;

/// <summary>
/// Finding agents: list them (by capability), list capabilities, discover by a need in words, and the remote agent's
/// signed heartbeat that keeps it present. Reads are public.
/// </summary>
public static class DiscoveryApi
{
    /// <summary>Agents per page by default.</summary>
    public const int DefaultLimit = 20;

    /// <summary>Most agents per page.</summary>
    public const int MaxAgentLimit = 100;

    /// <summary>Most capabilities per page (also the default).</summary>
    public const int MaxCapabilityLimit = 500;

    /// <summary>Maps the discovery endpoints.</summary>
    public static IEndpointRouteBuilder MapDiscoveryApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/agents", ListAgentsAsync)
            .WithTags("Discovery")
            .WithSummary("List active agents, by capability")
            .WithDescription($"?capability= (optional) keeps agents offering it; ?limit= 1 to {MaxAgentLimit} (default {DefaultLimit}); ?cursor= the 'next' of the "
                + "previous page. Agents come in DID order, so pages are stable: an agent that stays registered is listed once. Bad values: 400.");
        routes.MapGet("/v1/capabilities", ListCapabilitiesAsync)
            .WithTags("Discovery")
            .WithSummary("List capabilities with agent counts and price ranges")
            .WithDescription($"In id order; ?limit= 1 to {MaxCapabilityLimit} (default {MaxCapabilityLimit}), ?cursor= the 'next' of the previous page.");
        routes.MapGet("/v1/discover", DiscoverAsync)
            .WithTags("Discovery")
            .WithSummary("Find agents for a need said in words")
            .WithDescription($"?q= the need (1 to {DiscoveryQuery.MaxLength} characters, no control or invisible characters); ?k= results, {DiscoveryQuery.MinK} to "
                + $"{DiscoveryQuery.MaxK} (default {DiscoveryQuery.DefaultK}); ?maxPrice= (optional) the most you would pay. Agents whose capability is similar enough "
                + "to the need, ranked by similarity x reputation, eligible ones (present, staked, within maxPrice) first, each with why.");
        routes.MapPost("/v1/agents/{did}/heartbeat", HeartbeatAsync)
            .WithTags("Discovery")
            .RequireSignature()
            .Accepts<EmptyRequest>("application/json")
            .WithSummary("Keep a remote agent present")
            .WithDescription("Signed by the agent {did} itself (anyone else: 403); the body is empty or {}. Polling the task feed does the same. "
                + "An agent silent for the presence TTL gets no new tasks until it polls or beats again. 404 when the agent is not registered or deregistered.");
        return routes;
    }

    private static async Task<Results<Ok<AgentPage>, ProblemHttpResult>> ListAgentsAsync(
        string? capability, string? cursor, string? limit, IClusterClient cluster, CancellationToken ct)
    {
        if (capability is not null && !ManifestRules.IsCapabilityId(capability))
        {
            return Problems.InvalidQueryValue("capability", "'capability' is a capability id: 1-64 of a-z, 0-9, '.', '-', '_'.");
        }

        if (!PagingParameters.TryParse(cursor, limit, DefaultLimit, MaxAgentLimit, out var after, out var count, out var problem))
        {
            return problem;
        }

        var domains = capability is null ? await GrainRetry.RunAsync(() => Directory(cluster).DomainsAsync(), ct) : [DiscoveryShard.KeyOf(capability)];
        var pages = await GrainRetry.RunAsync(
            () => Task.WhenAll(domains.Select(d => cluster.GetGrain<IDiscoveryShardGrain>(d).ListAgentsAsync(capability, after, count + 1))), ct);

        // An agent offering capabilities of several domains is in several shards: its offers are merged.
        var merged = pages.SelectMany(p => p)
            .GroupBy(a => a.Agent.Value, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ListedAgent(g.First().Agent, g.First().Name, [.. g.SelectMany(a => a.Offers).OrderBy(o => o.Capability, StringComparer.Ordinal)], g.Any(a => a.Present)))
            .Take(count + 1)
            .ToList();
        var shown = merged.Take(count).Select(ListedAgentView.From).ToList();
        return TypedResults.Ok(new AgentPage(shown, merged.Count > count ? ListingCursor.Encode(shown[^1].Did) : null));
    }

    private static async Task<Results<Ok<CapabilityPage>, ProblemHttpResult>> ListCapabilitiesAsync(
        string? cursor, string? limit, IClusterClient cluster, CancellationToken ct)
    {
        if (!PagingParameters.TryParse(cursor, limit, MaxCapabilityLimit, MaxCapabilityLimit, out var after, out var count, out var problem))
        {
            return problem;
        }

        var domains = await GrainRetry.RunAsync(() => Directory(cluster).DomainsAsync(), ct);
        var lists = await GrainRetry.RunAsync(() => Task.WhenAll(domains.Select(d => cluster.GetGrain<IDiscoveryShardGrain>(d).ListCapabilitiesAsync())), ct);
        var all = lists.SelectMany(l => l)
            .Where(c => after is null || string.CompareOrdinal(c.Capability, after) > 0)
            .OrderBy(c => c.Capability, StringComparer.Ordinal)
            .Take(count + 1)
            .ToList();
        var shown = all.Take(count).Select(c => new CapabilityView(c.Capability, c.Agents, c.MinPrice, c.MaxPrice)).ToList();
        return TypedResults.Ok(new CapabilityPage(shown, all.Count > count ? ListingCursor.Encode(shown[^1].Id) : null));
    }

    private static async Task<Results<Ok<DiscoverView>, ProblemHttpResult>> DiscoverAsync(
        string? q, string? k, string? maxPrice, IClusterClient cluster, CancellationToken ct)
    {
        int? wanted = null;
        if (k is not null)
        {
            if (!int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.InvalidQueryValue("k", $"'k' is a whole number from {DiscoveryQuery.MinK} to {DiscoveryQuery.MaxK}.");
            }

            wanted = parsed;
        }

        long? price = null;
        if (maxPrice is not null)
        {
            if (!long.TryParse(maxPrice, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.InvalidQueryValue("maxPrice", "'maxPrice' is a whole number of credits, 0 or more.");
            }

            price = parsed;
        }

        var query = DiscoveryQuery.TryCreate(q, wanted, out var error);
        if (query is null)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, error!.Code, "The discovery query is not valid", error.Message);
        }

        var result = await GrainRetry.RunAsync(() => cluster.GetGrain<IDiscoveryGrain>(0).DiscoverAsync(query, price), ct);
        return TypedResults.Ok(new DiscoverView(query.Text, query.K, price, result.Cached, [.. result.Agents.Select(DiscoveredAgentView.From)]));
    }

    private static async Task<Results<Ok<HeartbeatView>, ProblemHttpResult>> HeartbeatAsync(
        string did, HttpContext context, IClusterClient cluster, IOptions<JsonOptions> json, AinurOptions options)
    {
        if (!RouteDid.TryReadOwn(did, context, json.Value.SerializerOptions,
            (signer, owner) => Problems.Forbidden("not-owner", $"The request is signed by {signer} and cannot beat for {owner}."), out var subject, out var problem))
        {
            return problem;
        }

        var active = await GrainRetry.RunAsync(() => cluster.GetGrain<IAgentGrain>(subject.Value).HeartbeatAsync(), context.RequestAborted);
        return active
            ? TypedResults.Ok(new HeartbeatView(subject.Value, true, options.Discovery.PresenceTtl.TotalSeconds))
            : Problems.NotFound("agent-not-found", $"No active agent is registered as {subject}.");
    }

    private static IDiscoveryDirectoryGrain Directory(IClusterClient cluster) => cluster.GetGrain<IDiscoveryDirectoryGrain>(0);
}
