using System.Text;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tests.Tasks;

/// <summary>What a test agent does with a task it picked up.</summary>
public enum AgentBehaviour
{
    /// <summary>Posts the input back as its output.</summary>
    Echo,

    /// <summary>Reports that its attempt failed.</summary>
    Fail,

    /// <summary>Starts the task and never answers (a crashed agent).</summary>
    Vanish,
}

/// <summary>
/// A remote agent as the gateway serves it, at grain level: long-polls its feed, starts what it is offered, and answers
/// by <see cref="Behaviour"/>; as a verifier it gives <see cref="Verdicts"/> (upholds or not), or re-runs deterministic work.
/// </summary>
public sealed class AgentLoop(TaskWorld world, Did agent) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public Did Agent { get; } = agent;

    public Func<FeedItem, AgentBehaviour> Behaviour { get; set; } = _ => AgentBehaviour.Echo;

    public Func<FeedItem, bool?> Verdicts { get; set; } = _ => true;

    private int _executed;

    /// <summary>Tasks this agent started.</summary>
    public int Executed => Volatile.Read(ref _executed);

    public AgentLoop Start()
    {
        _loop = Task.Run(RunAsync);
        return this;
    }

    public static string Output(string input) => input;

    private async Task RunAsync()
    {
        var feed = world.Grains.GetGrain<IAgentFeedGrain>(Agent.Value);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                foreach (var item in await feed.NextAsync(4, TimeSpan.FromMilliseconds(500)))
                {
                    await HandleAsync(item);
                }
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task HandleAsync(FeedItem item)
    {
        var task = world.Task(item.TaskId);
        if (item.Kind == FeedKind.Verify)
        {
            if (item.Deterministic)
            {
                await task.ReportRerunAsync(Agent, Blake2b.Content(Encoding.UTF8.GetBytes(Output(item.Input))));
            }
            else if (Verdicts(item) is { } upholds)
            {
                await task.ExecuteAsync(new GiveVerdict(Agent, upholds));
            }

            return;
        }

        if ((await task.ExecuteAsync(new StartTask(Agent, item.Attempt))).Rejection is not null)
        {
            return;
        }

        Interlocked.Increment(ref _executed);
        switch (Behaviour(item))
        {
            case AgentBehaviour.Echo:
                var output = Output(item.Input);
                await task.ExecuteAsync(new PostResult(Agent, item.Attempt, output, Blake2b.Content(Encoding.UTF8.GetBytes(output))));
                break;
            case AgentBehaviour.Fail:
                await task.ExecuteAsync(new ReportFailure(Agent, item.Attempt, "could not do it"));
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }
}
