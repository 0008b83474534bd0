using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Protocol.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Apis;

/// <summary><c>GET /v1/agents/{did}/reputation</c>: an agent's outcome counts and score (public).</summary>
public static class ReputationApi
{
    /// <summary>Maps the reputation endpoint.</summary>
    public static IEndpointRouteBuilder MapReputationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/agents/{did}/reputation", GetAsync)
            .WithTags("Agents")
            .WithSummary("Read an agent's reputation")
            .WithDescription("Outcome counts over every replica and the Wilson lower bound (95%) of the success rate. A DID with no outcomes yet, registered or not, reads as zeros.");
        return routes;
    }

    private static async Task<Results<Ok<ReputationBody>, ProblemHttpResult>> GetAsync(string did, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (!RouteDid.TryParse(did, out var subject, out var problem))
        {
            return problem;
        }

        var view = await GrainRetry.RunAsync(() => cluster.GetGrain<IReputationGrain>(subject.Value).GetAsync().AsTask(), cancellationToken);
        return TypedResults.Ok(ReputationBody.From(subject, view));
    }
}

/// <summary>
/// An agent's reputation on the wire: counts of attempts completed, failed and disputes lost, summed over every
/// replica; <see cref="Score"/> the Wilson lower bound of the success rate in [0, 1]; <see cref="Replicas"/> how many replicas reported.
/// </summary>
public sealed record ReputationBody(string Did, long Completed, long Failed, long DisputesLost, double Score, int Replicas)
{
    /// <summary>The wire form of a grain's view.</summary>
    public static ReputationBody From(Did did, ReputationView view) =>
        new(did.Value, view.Completed, view.Failed, view.DisputesLost, view.Score, view.Replicas);
}
