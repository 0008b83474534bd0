using Ainur.Gateway.Authentication;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Grains.Interfaces.Modules;
using Ainur.Grains.Runtime;
using Ainur.Protocol.Hashing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Apis;

/// <summary>
/// <c>/v1/modules</c>: upload a WebAssembly module (signed; it must compile and satisfy the ABI of docs/ari.md) and read
/// one back by its Blake2b-256 hash (public).
/// </summary>
public static class ModulesApi
{
    /// <summary>The response header that says a module was marked non-deterministic, and why.</summary>
    public const string NonDeterministicHeader = "Ainur-Module-Nondeterministic";

    /// <summary>Maps the module endpoints.</summary>
    public static IEndpointRouteBuilder MapModulesApi(this IEndpointRouteBuilder routes)
    {
        var settings = routes.ServiceProvider.GetRequiredService<WasmSettings>();
        var modules = routes.MapGroup("/v1/modules").WithTags("Modules");
        modules.MapPut("/", UploadAsync)
            .RequireSignature()
            .WithMetadata(new RequestBodyLimit(settings.ModuleBytes))
            .Accepts<byte[]>("application/wasm")
            .WithSummary("Upload a WebAssembly module")
            .WithDescription("The body is the module's bytes. It must compile and satisfy the ABI (docs/ari.md); refused modules (422, 413) are stored nowhere. "
                + "201 with the hash when new, 200 when already stored.");
        modules.MapGet("/{hash}", GetAsync)
            .WithSummary("Read a module's bytes by hash")
            .WithDescription("application/wasm; Ainur-Module-Uploaded-By names the first uploader; Ainur-Module-Nondeterministic is set when the module was marked.");
        return routes;
    }

    private static async Task<Results<Created<ModuleBody>, Ok<ModuleBody>, ProblemHttpResult>> UploadAsync(HttpContext context, IClusterClient cluster)
    {
        var signed = context.Features.GetRequiredFeature<SignedRequest>();
        var bytes = signed.Body.ToArray();
        var upload = await GrainRetry.RunAsync(() => cluster.GetGrain<IModuleRegistryGrain>(0).UploadAsync(bytes, signed.Signer), context.RequestAborted);
        if (upload.RefusalCode is { } code)
        {
            var status = code == "module-too-large" ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity;
            return Problems.Create(status, code, "The module was refused", upload.RefusalDetail ?? code);
        }

        var body = new ModuleBody(upload.Hash.ToString(), bytes.Length);
        return upload.Created ? TypedResults.Created($"/v1/modules/{body.Hash}", body) : TypedResults.Ok(body);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAsync(string hash, HttpContext context, IClusterClient cluster)
    {
        if (!Hash32.TryParse(hash, out var parsed))
        {
            return Problems.InvalidRouteValue("hash", "A module hash is 64 hex digits (Blake2b-256 of the module's bytes).");
        }

        var module = await GrainRetry.RunAsync(() => cluster.GetGrain<IModuleRegistryGrain>(0).GetAsync(parsed), context.RequestAborted);
        if (module is null)
        {
            return Problems.NotFound("module-not-found", $"No module {parsed} is stored.");
        }

        context.Response.Headers["Ainur-Module-Uploaded-By"] = module.UploadedBy;
        if (module.NonDeterministic is { } why)
        {
            context.Response.Headers[NonDeterministicHeader] = why;
        }

        return TypedResults.File(module.Bytes, "application/wasm");
    }
}

/// <summary>A stored module: its hash (64 hex digits) and size in bytes.</summary>
public sealed record ModuleBody(string Hash, int Size);
