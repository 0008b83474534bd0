using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Ainur.Gateway.Authentication;
using Ainur.Gateway.Errors;
using Ainur.Protocol.Identity;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Apis;

/// <summary>The <c>{did}</c> route value of the agent and account endpoints, and the rule that only that DID may sign for it.</summary>
internal static class RouteDid
{
    /// <summary>The route's DID, or a 400 <c>invalid-route-value</c> problem naming <c>did</c>.</summary>
    public static bool TryParse(string did, out Did subject, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = Did.TryParse(did, out subject, out var error) ? null : Problems.InvalidRouteValue("did", error ?? "Not a did:key.");
        return problem is null;
    }

    /// <summary>
    /// The route's DID on a signed endpoint only that DID may call, checked in this order: the DID (else 400), with
    /// <paramref name="emptyBody"/> the body, which must be empty or <c>{}</c> (else 400 <c>malformed-body</c>), then the
    /// signer, who must be that DID (else <paramref name="notOwner"/>(signer, subject), a 403).
    /// </summary>
    public static bool TryReadOwn(
        string did,
        HttpContext context,
        JsonSerializerOptions? emptyBody,
        Func<Did, Did, ProblemHttpResult> notOwner,
        out Did subject,
        [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        var signed = context.Features.GetRequiredFeature<SignedRequest>();
        if (TryParse(did, out subject, out problem) && (emptyBody is null || JsonBody.TryReadEmpty(signed.Body, emptyBody, out problem)))
        {
            problem = subject != signed.Signer ? notOwner(signed.Signer, subject) : null;
        }

        return problem is null;
    }
}
