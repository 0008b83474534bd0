using Ainur.Grains.Discovery.Embeddings;

namespace Ainur.Grains.Tests.Discovery;

/// <summary>
/// Encodings run on the embedder's own threads and callers await them: encoding inside a grain turn held a thread of
/// the shared pool for its whole run, and a burst of registrations stalled every grain of a two-core silo.
/// </summary>
public sealed class EncoderThreadsTests
{
    [Fact]
    public async Task AnEncodingThatRunsLong_DoesNotHoldItsCaller_AndRunsOnAnEncoderThread_NotThePool()
    {
        using var gate = new ManualResetEventSlim();
        bool? onPool = null;
        string? threadName = null;
        using var encoders = new EncoderThreads<Encoder>(1, "test encoder", () => new Encoder(), (_, texts) =>
        {
            (onPool, threadName) = (Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name);
            gate.Wait(TestContext.Current.CancellationToken);
            return [.. texts.Select(t => new float[] { t.Length })];
        });

        var encoding = encoders.EncodeAsync(["abc", "de"], TestContext.Current.CancellationToken);
        Assert.False(encoding.IsCompleted);
        gate.Set();

        var vectors = await encoding;
        Assert.Equal([3f, 2f], vectors.Select(v => v[0]));
        Assert.False(onPool);
        Assert.Equal("test encoder 0", threadName);
    }

    [Fact]
    public async Task MoreCallsThanThreads_AllAnswered_EachThreadMakingOneEncoder_AndFailuresGoToTheirCaller()
    {
        var (made, disposed) = (0, 0);
        var encoders = new EncoderThreads<Encoder>(2, "test encoder", () =>
        {
            Interlocked.Increment(ref made);
            return new Encoder(() => Interlocked.Increment(ref disposed));
        }, (_, texts) => texts[0] == "bad" ? throw new InvalidOperationException("refused") : [[texts[0].Length]]);

        var calls = Enumerable.Range(1, 40).Select(n => encoders.EncodeAsync([new string('x', n)], TestContext.Current.CancellationToken)).ToList();
        var failing = encoders.EncodeAsync(["bad"], TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(1, 40).Select(n => (float)n), (await Task.WhenAll(calls)).Select(v => v[0][0]));
        Assert.Equal("refused", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        encoders.Dispose();
        Assert.InRange(made, 1, 2);
        Assert.Equal(made, disposed);
    }

    private sealed class Encoder(Action? disposed = null) : IDisposable
    {
        public void Dispose() => disposed?.Invoke();
    }
}
