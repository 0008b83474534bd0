using System.Diagnostics.Metrics;
using Ainur.Protocol.Agents;
using Ainur.Silo.Telemetry;

namespace Ainur.Gateway.Telemetry;

/// <summary>The gateway's instruments on the <c>Ainur</c> meter (exported on /metrics as <c>ainur_*</c>).</summary>
public sealed class AinurMetrics
{
    /// <summary>The meter name, for OpenTelemetry's AddMeter.</summary>
    public const string MeterName = AinurTelemetry.MeterName;

    private readonly Counter<long> _registrations;
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _rateLimited;

    /// <summary>Creates the instruments on a meter owned by <paramref name="meterFactory"/>.</summary>
    public AinurMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _registrations = meter.CreateCounter<long>("ainur.agent.registrations", "{registration}", "Agent registrations accepted, by outcome.");
        _authFailures = meter.CreateCounter<long>("ainur.gateway.auth.failures", "{request}", "Signed requests refused, by reason.");
        _rateLimited = meter.CreateCounter<long>("ainur.gateway.rate_limited", "{request}", "Requests refused by a rate limit, by scope.");
    }

    /// <summary>Counts one accepted registration.</summary>
    public void Registered(RegistrationOutcome outcome) =>
        _registrations.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));

    /// <summary>Counts one refused signature; <paramref name="reason"/> is a stable kebab-case code.</summary>
    public void AuthenticationFailed(string reason) =>
        _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts one request refused by the <paramref name="scope"/> (ip or did) limit.</summary>
    public void RateLimited(string scope) =>
        _rateLimited.Add(1, new KeyValuePair<string, object?>("scope", scope));
}
