using Ainur.Gateway.Authentication;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Gateway.Tasks;
using Ainur.Gateway.Telemetry;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Identity;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Ainur.Gateway.Apis;

/// <summary><c>/v1/agents</c>: register or deregister an agent (signed by its own DID) and read one back (public).</summary>
public static class AgentsApi
{
    /// <summary>Maps the agent endpoints.</summary>
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder routes)
    {
        var agents = routes.MapGroup("/v1/agents").WithTags("Agents");
        agents.MapPost("/", RegisterAsync)
            .RequireSignature()
            .Accepts<RegisterAgentRequest>("application/json")
            .WithSummary("Register or update an agent")
            .WithDescription("Signed by the agent's own DID. The same manifest again is a no-op (200, outcome 'unchanged'); a changed one bumps the version (200, 'updated'); a new agent is 201 'created'.");
        agents.MapGet("/{did}", GetAsync)
            .WithSummary("Read an agent's identity document and manifest");
        agents.MapPost("/{did}/deregister", DeregisterAsync)
            .RequireSignature()
            .Accepts<EmptyRequest>("application/json")
            .WithSummary("Deregister an agent")
            .WithDescription("Signed by the agent's own DID (else 403 not-owner); the body is empty or {}. The agent gets no new assignments; tasks in flight finish. "
                + "200 with the record (deregisteredAt set); again is a no-op with the same record; 404 when the agent never registered. Registering again re-activates it.");
        return routes;
    }

    private static async Task<Results<Created<AgentView>, Ok<AgentView>, ProblemHttpResult>> RegisterAsync(
        HttpContext context, IClusterClient cluster, IOptions<JsonOptions> json, AinurMetrics metrics, InputSchemas schemas)
    {
        var signed = context.Features.GetRequiredFeature<SignedRequest>();
        if (!JsonBody.TryRead<RegisterAgentRequest>(signed.Body, json.Value.SerializerOptions, "a JSON object with 'did' and 'manifest'", out var request, out var malformed))
        {
            return malformed;
        }

        if (!Did.TryParse(request.Did, out var subject, out var error))
        {
            return Problems.MalformedBody($"'did' is not a valid did:key: {error}");
        }

        if (subject != signed.Signer)
        {
            return NotOwner(signed.Signer, subject, "register");
        }

        // The grain checks the protocol's rules again; only the gateway can compile the input schemas (Protocol does not
        // reference JsonSchema.Net), so a schema no input could satisfy is refused here, with every other broken rule.
        var manifest = request.Manifest.ToManifest();
        var errors = ManifestRules.Validate(manifest);
        var broken = errors.Select(e => e.Field).ToHashSet(StringComparer.Ordinal);
        errors = errors.AddRange(schemas.Vet(manifest).Where(e => !broken.Contains(e.Field)));
        if (!errors.IsEmpty)
        {
            return Problems.InvalidManifest(errors);
        }

        var command = new RegisterAgent(signed.Signer, manifest);
        var decision = await GrainRetry.RunAsync(
            () => cluster.GetGrain<IAgentGrain>(subject.Value).RegisterAsync(command, context.RequestAborted), context.RequestAborted);

        switch (decision.Rejection)
        {
            case RegistrationRejection.NotOwner:
                return Problems.Forbidden("not-owner", decision.Errors.FirstOrDefault()?.Message ?? "Not the agent's own DID.");
            case RegistrationRejection.InvalidManifest:
                return Problems.InvalidManifest(decision.Errors);
        }

        metrics.Registered(decision.Outcome);
        var view = AgentView.From(decision.Next!, decision.Outcome);
        return decision.Outcome == RegistrationOutcome.Created
            ? TypedResults.Created($"/v1/agents/{subject.Value}", view)
            : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<AgentView>, ProblemHttpResult>> DeregisterAsync(
        string did, HttpContext context, IClusterClient cluster, IOptions<JsonOptions> json)
    {
        // The grain refuses another signer too; answering here saves the call.
        if (!RouteDid.TryReadOwn(did, context, json.Value.SerializerOptions, (signer, owner) => NotOwner(signer, owner, "deregister"), out var subject, out var problem))
        {
            return problem;
        }

        var decision = await GrainRetry.RunAsync(
            () => cluster.GetGrain<IAgentGrain>(subject.Value).DeregisterAsync(subject, context.RequestAborted), context.RequestAborted);
        return decision.Rejection switch
        {
            DeregistrationRejection.NotOwner => NotOwner(subject, subject, "deregister"), // the signer is the subject by now
            DeregistrationRejection.NotRegistered => AgentNotFound(subject),
            _ => TypedResults.Ok(AgentView.From(decision.Next!)),
        };
    }

    private static async Task<Results<Ok<AgentView>, ProblemHttpResult>> GetAsync(string did, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (!RouteDid.TryParse(did, out var subject, out var problem))
        {
            return problem;
        }

        var record = await GrainRetry.RunAsync(() => cluster.GetGrain<IAgentGrain>(subject.Value).GetAsync().AsTask(), cancellationToken);
        return record is null ? AgentNotFound(subject) : TypedResults.Ok(AgentView.From(record));
    }

    private static ProblemHttpResult NotOwner(Did signer, Did subject, string verb) =>
        Problems.Forbidden("not-owner", $"The request is signed by {signer} and cannot {verb} {subject}.");

    private static ProblemHttpResult AgentNotFound(Did subject) => Problems.NotFound("agent-not-found", $"No agent is registered as {subject}.");
}
