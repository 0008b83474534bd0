using System.Security.Cryptography;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Gateway.Hosting;
using Ainur.Gateway.RateLimiting;
using Ainur.Gateway.Telemetry;
using Ainur.Grains.Interfaces.Security;
using Ainur.Protocol.HttpSignatures;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Ainur.Gateway.Authentication;

/// <summary>
/// Verifies the HTTP message signature of endpoints marked <see cref="RequireSignatureMetadata"/>: the Host is one of
/// the gateway's public authorities, then signature and digest, freshness, the cluster-wide replay guard and the
/// signer's rate limit. A refusal is a 401/413/421/429 problem and the handler never runs, so nothing changes.
/// </summary>
internal sealed class SignatureAuthenticationMiddleware(
    RequestDelegate next,
    IClusterClient cluster,
    CallerRateLimiter rateLimiter,
    IOptions<GatewayOptions> options,
    TimeProvider clock,
    AinurMetrics metrics,
    PublicAuthorities authorities)
{
    private const string AcceptSignature = "sig1=(\"@method\" \"@authority\" \"@path\" \"content-digest\");alg=\"ed25519\"";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequireSignatureMetadata>() is null)
        {
            await next(context);
            return;
        }

        // A signature made for another service must not work here because its Host names that service.
        if (!authorities.TryMatch(context.Request, out var scheme))
        {
            metrics.AuthenticationFailed(FailureCodes.Misdirected);
            await Problems.Misdirected(context.Request.Host.Value ?? "").ExecuteAsync(context);
            return;
        }

        var settings = options.Value;
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>()?.Bytes ?? settings.MaxRequestBodyBytes;
        var body = await RequestBody.ReadAsync(context, limit);
        if (body is null)
        {
            await Problems.TooLarge(limit).ExecuteAsync(context);
            return;
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var policy = new SignaturePolicy(TimeSpan.FromSeconds(settings.SignatureMaxAgeSeconds), TimeSpan.FromSeconds(settings.SignatureMaxFutureSkewSeconds));
        var check = HttpMessageVerifier.Verify(Describe(context, scheme, body), body.Length > 0, now, policy);
        if (!check.Ok)
        {
            await RefuseAsync(context, FailureCodes.For(check.Failure!.Value), check.Detail ?? "The signature was not accepted.");
            return;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(check.Created) + policy.MaxAge;
        var hash = SHA256.HashData(check.Signature.Span);
        // GrainRetry may resend this call after a silo failure lost the first answer (the hash possibly recorded):
        // the request id makes that resend count as this request's own record, not as a replay.
        var requestId = Guid.NewGuid();
        var firstUse = await GrainRetry.RunAsync(
            () => cluster.GetGrain<ISignatureReplayGrain>(0).TryRecordAsync(hash, expiresAt, requestId).AsTask(), context.RequestAborted);
        if (!firstUse)
        {
            await RefuseAsync(context, FailureCodes.Replayed, "This signature was already used; sign every request anew.");
            return;
        }

        if (!await rateLimiter.TryAcquireAsync(context, "did", "did:" + check.Signer.Value, settings.PerDid))
        {
            return;
        }

        context.Features.Set(new SignedRequest(check.Signer, body));
        await next(context);
    }

    private async Task RefuseAsync(HttpContext context, string reason, string detail)
    {
        metrics.AuthenticationFailed(reason);
        context.Response.Headers["Accept-Signature"] = AcceptSignature;
        await Problems.Unauthorized(reason, detail).ExecuteAsync(context);
    }

    private static HttpRequestParts Describe(HttpContext context, string scheme, byte[] body)
    {
        var request = context.Request;

        // The signer signed the path as sent on the wire; Request.Path is already unescaped.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path).ToUriComponent();
        var queryStart = target.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? target : target[..queryStart];
        var query = queryStart < 0 ? "" : target[queryStart..];
        return new HttpRequestParts(
            request.Method,
            request.Host.Value?.ToLowerInvariant() ?? "",
            path,
            query,
            name => request.Headers.TryGetValue(name, out var values) ? values.ToString() : null)
        {
            Body = body,
            Scheme = scheme,
        };
    }
}
