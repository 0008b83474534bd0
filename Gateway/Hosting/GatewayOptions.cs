namespace Ainur.Gateway.Hosting;

/// <summary>The <c>Ainur:Gateway</c> section: limits and request authentication of the HTTP API.</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Ainur:Gateway";

    /// <summary>Largest request body accepted, in bytes (default 256 KiB); larger gets 413, whether sent with a Content-Length or chunked.</summary>
    public int MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Longest request target (path and query as sent), in bytes (default 8 KiB); longer gets 414.</summary>
    public int MaxRequestTargetBytes { get; set; } = 8 * 1024;

    /// <summary>Largest total of request header lines, in bytes (default 32 KiB); larger gets 431.</summary>
    public int MaxRequestHeaderBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// The authorities signed requests may be addressed to: <c>host[:port]</c> exactly as clients send it in <c>Host</c>,
    /// or an origin <c>http(s)://host[:port]</c> (the host with or without its default port; the origin's scheme is
    /// the one <c>@target-uri</c> signatures are checked with). A signed request for any other gets 421. Empty (the
    /// default): the addresses the gateway listens on.
    /// </summary>
    public List<string> PublicAuthorities { get; set; } = [];

    /// <summary>Oldest accepted signature <c>created</c> time, in seconds before now (default 300).</summary>
    public int SignatureMaxAgeSeconds { get; set; } = 300;

    /// <summary>Latest accepted signature <c>created</c> time, in seconds after now: allowed clock skew (default 30).</summary>
    public int SignatureMaxFutureSkewSeconds { get; set; } = 30;

    /// <summary>
    /// Time for checking one task input against its capability's input schemas, in milliseconds (default 500). Schemas
    /// not decided in time count as unsatisfied; an input none satisfied in time is refused (422 schema-evaluation-timeout).
    /// </summary>
    public int SchemaCheckMilliseconds { get; set; } = 500;

    /// <summary>
    /// Most evaluation steps one input may cost against one input schema (default 25,000: about the check's time here);
    /// a schema the input would cost more is not evaluated and counts as unsatisfied (422 schema-evaluation-too-costly
    /// when none was satisfied). A step is one subschema applied at one input location, or 8 item pairs compared by uniqueItems.
    /// </summary>
    public int SchemaCheckMaxSteps { get; set; } = 25_000;

    /// <summary>
    /// Threads that run input-schema checks (default 0: half the processor count, at least 1), so hostile schemas can
    /// hold at most these and never the threads that serve the ledger and other requests.
    /// </summary>
    public int SchemaCheckWorkers { get; set; }

    /// <summary>
    /// Most evaluation steps (over all of a capability's schemas) of an input that is checked on its request's own thread
    /// instead of the check pool, when no schema has a pattern (default 256; 0 sends every check to the pool).
    /// </summary>
    public int SchemaCheckInlineSteps { get; set; } = 256;

    /// <summary>Checks that may wait for a worker (default 16); past that a submission gets 503 schema-check-busy with Retry-After.</summary>
    public int SchemaCheckQueue { get; set; } = 16;

    /// <summary>Requests per second and burst allowed to one client IP address, for every endpoint but health and metrics.</summary>
    public RateLimitSettings PerIp { get; set; } = new() { PerSecond = 200, Burst = 400 };

    /// <summary>Signed requests per second and burst allowed to one DID, whatever address it calls from.</summary>
    public RateLimitSettings PerDid { get; set; } = new() { PerSecond = 50, Burst = 100 };
}

/// <summary>A token bucket's refill rate and size. A rate of 0 turns the limit off.</summary>
public sealed class RateLimitSettings
{
    /// <summary>Tokens added per second.</summary>
    public double PerSecond { get; set; }

    /// <summary>Bucket size: the most requests allowed at once.</summary>
    public int Burst { get; set; }
}
