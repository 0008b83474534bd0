using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Orleans.Concurrency;

namespace Ainur.Grains.Interfaces.Tasks;

/// <summary>
/// A remote agent's work queue (key: its DID): tasks assigned to it and disputes it is asked to judge, handed out by
/// a long poll. Soft state: a lost offer is offered again by its task, and an unanswered one ends with the task's deadline.
/// </summary>
[Alias("ainur.IAgentFeedGrain")]
public interface IAgentFeedGrain : IGrainWithStringKey
{
    /// <summary>Queues <paramref name="item"/> unless an item of the same task and kind is already queued.</summary>
    [Alias("Offer")]
    Task OfferAsync(FeedItem item);

    /// <summary>Removes the task's queued items (its attempt ended elsewhere).</summary>
    [Alias("Withdraw")]
    Task WithdrawAsync(Hash32 taskId);

    /// <summary>
    /// Up to <paramref name="max"/> items, in the order they came, waiting up to <paramref name="wait"/> for the first;
    /// empty when none came. Each item is handed to one caller only, however many poll at once.
    /// </summary>
    [AlwaysInterleave, Alias("NextMany")]
    Task<ImmutableArray<FeedItem>> NextAsync(int max, TimeSpan wait);
}

/// <summary>What an agent is asked to do.</summary>
public enum FeedKind
{
    /// <summary>Run the task and post its result.</summary>
    Execute = 0,

    /// <summary>Judge a disputed result: re-run it (deterministic capability) or give an accept/reject verdict.</summary>
    Verify = 1,
}

/// <summary>
/// One item of an agent's feed. For <see cref="FeedKind.Verify"/>, <see cref="Output"/> is the disputed result and
/// <see cref="Deterministic"/> says whether to re-run and report the output hash, or to judge and give a verdict.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.FeedItem")]
public sealed record FeedItem(
    [property: Id(0)] Hash32 TaskId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] FeedKind Kind,
    [property: Id(3)] string Capability,
    [property: Id(4)] string Input,
    [property: Id(5)] long Price,
    [property: Id(6)] DateTimeOffset Deadline,
    [property: Id(7)] string? Output,
    [property: Id(8)] bool Deterministic);
