using Ainur.Protocol.Agents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Errors;

/// <summary>
/// Every error the API returns, as RFC 9457 problem+json. <c>type</c> is <c>urn:ainur:problem:CODE</c> and the same
/// CODE is in the <c>code</c> member, so clients branch on it rather than on prose.
/// </summary>
public static class Problems
{
    /// <summary>The request body is not the JSON the endpoint expects.</summary>
    public static ProblemHttpResult MalformedBody(string detail) =>
        Create(StatusCodes.Status400BadRequest, "malformed-body", "The request body is not valid for this endpoint", detail);

    /// <summary>A route value is not well formed (for example a DID).</summary>
    public static ProblemHttpResult InvalidRouteValue(string name, string detail) =>
        Create(StatusCodes.Status400BadRequest, "invalid-" + name, $"The {name} in the path is not valid", detail);

    /// <summary>A query parameter is not well formed.</summary>
    public static ProblemHttpResult InvalidQueryValue(string name, string detail) =>
        Create(StatusCodes.Status400BadRequest, "invalid-" + name, $"The query parameter '{name}' is not valid", detail);

    /// <summary>A request header is not well formed.</summary>
    public static ProblemHttpResult InvalidHeader(string name, string code, string detail) =>
        Create(StatusCodes.Status400BadRequest, code, $"The {name} header is not valid", detail);

    /// <summary>The body parsed but broke the protocol's rules; <paramref name="errors"/> lists each.</summary>
    public static ProblemHttpResult InvalidManifest(IEnumerable<ManifestError> errors) =>
        Create(StatusCodes.Status422UnprocessableEntity, "invalid-manifest", "The agent manifest breaks the protocol's rules",
            "See 'errors' for each rule broken.",
            new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToArray() });

    /// <summary>The signer may not act on the resource.</summary>
    public static ProblemHttpResult Forbidden(string code, string detail) =>
        Create(StatusCodes.Status403Forbidden, code, "The signer may not do this", detail);

    /// <summary>No such resource.</summary>
    public static ProblemHttpResult NotFound(string code, string detail) =>
        Create(StatusCodes.Status404NotFound, code, "Not found", detail);

    /// <summary>The request's signature was refused; <paramref name="reason"/> is a stable code such as <c>expired</c>.</summary>
    public static ProblemHttpResult Unauthorized(string reason, string detail) =>
        Create(StatusCodes.Status401Unauthorized, "signature-" + reason, "The request signature was not accepted", detail);

    /// <summary>A signed request addressed to an authority (its Host) this gateway does not answer for.</summary>
    public static ProblemHttpResult Misdirected(string authority) =>
        Create(StatusCodes.Status421MisdirectedRequest, "misdirected-request", "This gateway does not answer for that authority",
            $"'{authority}' is not a public authority of this gateway; sign requests for the address you reach it at (Ainur:Gateway:PublicAuthorities).");

    /// <summary>The request target (path and query) is longer than the gateway accepts.</summary>
    public static ProblemHttpResult UriTooLong(int limit) =>
        Create(StatusCodes.Status414UriTooLong, "uri-too-long", "The request target is too long", $"At most {limit} bytes of path and query are accepted.");

    /// <summary>The request's header fields are larger than the gateway accepts.</summary>
    public static ProblemHttpResult HeadersTooLarge(int limit) =>
        Create(StatusCodes.Status431RequestHeaderFieldsTooLarge, "headers-too-large", "The request header fields are too large", $"At most {limit} bytes of header fields are accepted.");

    /// <summary>The body is larger than the gateway accepts.</summary>
    public static ProblemHttpResult TooLarge(long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "body-too-large", "The request body is too large", $"At most {limit} bytes are accepted.");

    /// <summary>A rate limit was hit; retry after the time in the Retry-After header.</summary>
    public static ProblemHttpResult RateLimited(string scope, TimeSpan retryAfter) =>
        Create(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
            $"The per-{scope} rate limit was reached; retry in {Math.Ceiling(retryAfter.TotalSeconds)} s.");

    /// <summary>The cluster could not serve the request now; nothing was changed that a retry would duplicate.</summary>
    public static ProblemHttpResult Unavailable(string detail) =>
        Create(StatusCodes.Status503ServiceUnavailable, "unavailable", "The service is temporarily unavailable", detail);

    /// <summary>A problem for any status; used for framework-generated errors.</summary>
    public static ProblemHttpResult Create(int status, string code, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var members = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(detail, statusCode: status, title: title, type: "urn:ainur:problem:" + code, extensions: members);
    }
}
