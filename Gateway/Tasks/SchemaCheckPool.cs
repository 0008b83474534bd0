using Ainur.Gateway.Hosting;
using Ainur.Grains.Threading;
using Microsoft.Extensions.Options;

namespace Ainur.Gateway.Tasks;

/// <summary>
/// A few dedicated threads that run input-schema checks, with a bounded queue in front. A check is CPU work that cannot
/// be interrupted once JsonSchema.Net runs it; on the shared thread pool, many hostile checks at once would take the
/// threads that the co-hosted silo (the ledger's validators) and other requests need. Here they take at most
/// <see cref="Workers"/> threads, each with a large stack, and a full queue refuses at once instead of queueing without end.
/// </summary>
public sealed class SchemaCheckPool : IDisposable
{
    // Far above what a check may nest (InputSchemas.MaxNesting): a stack overflow ends the process.
    private const int StackBytes = 16 * 1024 * 1024;

    private readonly DedicatedThreads _threads;

    /// <summary>Starts the workers.</summary>
    public SchemaCheckPool(IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _threads = new DedicatedThreads(
            settings.SchemaCheckWorkers > 0 ? settings.SchemaCheckWorkers : Math.Max(1, Environment.ProcessorCount / 2),
            "ainur-schema-check",
            settings.SchemaCheckQueue,
            StackBytes);
    }

    /// <summary>Threads that run checks; no more checks than this run at once.</summary>
    public int Workers => _threads.Count;

    /// <summary>The most checks that ever ran at once (at most <see cref="Workers"/>).</summary>
    public int PeakRunning => _threads.PeakRunning;

    /// <summary>
    /// Runs <paramref name="check"/> on a worker; null when the queue is full. A check whose caller gave up
    /// (<paramref name="cancellationToken"/>) before a worker took it is not run.
    /// </summary>
    public Task<T>? TryRun<T>(Func<T> check, CancellationToken cancellationToken) => _threads.TryRun(check, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _threads.Dispose();
}
