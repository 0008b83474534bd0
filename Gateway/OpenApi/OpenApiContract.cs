using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Ainur.Gateway.Authentication;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ainur.Gateway.OpenApi;

/// <summary>
/// Makes the generated OpenAPI document say what responses do: a member the API leaves out when it is null is not
/// required, and signed operations name the HTTP message signature security scheme.
/// </summary>
internal static class OpenApiContract
{
    /// <summary>The security scheme's key under <c>components/securitySchemes</c>.</summary>
    public const string SignatureScheme = "httpMessageSignature";

    private const string SignatureDescription =
        "RFC 9421 HTTP Message Signature, algorithm ed25519, keyid = the caller's did:key. Send Signature-Input, e.g. "
        + "sig1=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\");created=1767225600;keyid=\"did:key:z6Mk…\";alg=\"ed25519\";nonce=\"…\" "
        + "(\"@query\" only with a query; \"@target-uri\" may stand for \"@authority\" \"@path\" \"@query\"; \"content-digest\" with a body, "
        + "sent as the RFC 9530 Content-Digest field, sha-256), and Signature: sig1=:base64 of the 64-byte signature:. "
        + "created must be within the last 300 s; a signature is accepted once; the authority must be one this gateway answers for.";

    /// <summary>Registers the OpenAPI document with the transformers.</summary>
    public static IServiceCollection AddAinurOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddSchemaTransformer(OptionalWhenNull);
            options.AddDocumentTransformer(AddSignatureScheme);
            options.AddOperationTransformer(RequireSignatureScheme);
        });

    /// <summary>
    /// Declares the 200 answer as either <typeparamref name="TFirst"/> or <typeparamref name="TSecond"/>: for an endpoint
    /// whose query picks the shape (the generator would keep only one of two 200 results).
    /// </summary>
    public static RouteHandlerBuilder OkOneOf<TFirst, TSecond>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var first = await context.GetOrCreateSchemaAsync(typeof(TFirst), null, cancellationToken);
            var second = await context.GetOrCreateSchemaAsync(typeof(TSecond), null, cancellationToken);
            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content?.TryGetValue("application/json", out var media) == true)
            {
                media.Schema = new OpenApiSchema { OneOf = [first, second] };
            }
        });

    // The API writes JSON with DefaultIgnoreCondition = WhenWritingNull: a member that can be null is absent when it
    // is, unless it is marked to be written always. Request bodies have no member that must be sent as null.
    private static Task OptionalWhenNull(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // JsonTypeInfo is the schema's own type, also where it is reached through a property (a nullable DisputeView).
        if (schema.Required is { Count: > 0 } required && context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object)
        {
            foreach (var property in context.JsonTypeInfo.Properties.Where(p => MayBeNull(p) && !AlwaysWritten(p)))
            {
                required.Remove(property.Name);
            }
        }

        return Task.CompletedTask;
    }

    private static bool MayBeNull(JsonPropertyInfo property) =>
        property.PropertyType.IsValueType ? Nullable.GetUnderlyingType(property.PropertyType) is not null : property.IsGetNullable;

    private static bool AlwaysWritten(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
            .OfType<JsonIgnoreAttribute>().Any(a => a.Condition == JsonIgnoreCondition.Never) == true;

    private static Task AddSignatureScheme(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SignatureScheme] = new OpenApiSecurityScheme
        {
            // OpenAPI has no scheme type for HTTP message signatures: a header-borne key is the nearest.
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "Signature",
            Description = SignatureDescription,
        };
        return Task.CompletedTask;
    }

    private static Task RequireSignatureScheme(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequireSignatureMetadata>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SignatureScheme, context.Document)] = [] });
        }

        return Task.CompletedTask;
    }
}
