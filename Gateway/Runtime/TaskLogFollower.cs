using System.Runtime.CompilerServices;
using Ainur.Gateway.Cluster;
using Ainur.Grains.Interfaces.Runtime;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Tasks;

namespace Ainur.Gateway.Runtime;

/// <summary>
/// A task's log lines in order, from index <c>after</c> on, live: what both <c>GET /v1/tasks/{id}/logs</c> (server-sent
/// events) and the ARI's StreamLogs (gRPC) send. It ends once the task is terminal and no line is left to send.
/// </summary>
public static class TaskLogFollower
{
    // One wait on the log grain: a cluster client's grain calls time out after 5 s.
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(2);

    /// <summary>Line numbers start at 1; <paramref name="after"/> is the last one the reader has (0: none).</summary>
    public static async IAsyncEnumerable<(int Number, string Line)> FollowAsync(
        IClusterClient cluster, Hash32 taskId, int after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var log = cluster.GetGrain<ITaskLogGrain>(taskId.ToString());
        var task = cluster.GetGrain<ITaskGrain>(taskId.ToString());
        var sent = Math.Max(0, after);
        while (!cancellationToken.IsCancellationRequested)
        {
            // Read the task's state first: lines written before it ended are in the log before it is terminal.
            var ended = (await GrainRetry.RunAsync(task.GetAsync, cancellationToken))?.State.IsTerminal() != false;
            var lines = await GrainRetry.RunAsync(() => log.ReadAsync(sent, ended ? TimeSpan.Zero : Slice), cancellationToken);
            foreach (var line in lines)
            {
                yield return (++sent, line);
            }

            if (ended && lines.IsEmpty)
            {
                yield break;
            }
        }
    }
}
