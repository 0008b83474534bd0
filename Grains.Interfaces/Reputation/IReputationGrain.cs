using Ainur.Protocol.Reputation;

namespace Ainur.Grains.Interfaces.Reputation;

/// <summary>A reputation report, unique per (task, attempt) by <paramref name="ReportId"/>.</summary>
[GenerateSerializer, Immutable, Alias("ainur.OutcomeReport")]
public sealed record OutcomeReport([property: Id(0)] string ReportId, [property: Id(1)] TaskOutcome Outcome);

/// <summary>An agent's merged outcome counts and its score (Wilson lower bound of success).</summary>
[GenerateSerializer, Immutable, Alias("ainur.ReputationView")]
public sealed record ReputationView(
    [property: Id(0)] long Completed,
    [property: Id(1)] long Failed,
    [property: Id(2)] long DisputesLost,
    [property: Id(3)] double Score,
    [property: Id(4)] int Replicas);

/// <summary>An agent's reputation (key: its DID): outcome counters, exactly once per report.</summary>
[Alias("ainur.IReputationGrain")]
public interface IReputationGrain : IGrainWithStringKey
{
    /// <summary>Durable before it returns; a report whose id was already recorded (and not yet forgotten) changes nothing.</summary>
    [Alias("Record")]
    Task RecordAsync(OutcomeReport report);

    /// <summary>The reporter has durably noted the acknowledgement: the id may be dropped from the de-duplication memory.</summary>
    [Alias("Forget")]
    Task ForgetAsync(string reportId);

    /// <summary>The merged counts and the score.</summary>
    [Alias("Get")]
    ValueTask<ReputationView> GetAsync();
}
