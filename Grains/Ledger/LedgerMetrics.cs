using System.Diagnostics.Metrics;
using Ainur.Grains.Telemetry;

namespace Ainur.Grains.Ledger;

/// <summary>
/// The ledger's instruments on the <c>Ainur</c> meter (exported on /metrics as <c>ainur_ledger_*</c>). The running
/// totals are also readable here, so a benchmark in the same process can report heights and consensus CPU per transaction.
/// </summary>
public sealed class LedgerMetrics
{
    // Transactions per block, from a lone transaction to a full block (the default buckets put 1-5 in one).
    private static readonly InstrumentAdvice<long> BlockSizeBuckets = new() { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] };

    private readonly Histogram<double> _finality;
    private readonly Histogram<long> _blockTransactions;
    private readonly Histogram<long> _rounds;
    private long _height;
    private long _blocks;
    private long _transactions;
    private long _consensusCpuNanos;
    private long _mempoolPending;

    /// <summary>Creates the instruments on a meter owned by <paramref name="meterFactory"/>.</summary>
    public LedgerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create("Ainur");
        meter.CreateObservableGauge("ainur.ledger.height", () => Volatile.Read(ref _height), "{block}", "Height of the last finalized block.");
        meter.CreateObservableCounter("ainur.ledger.blocks.finalized", () => Volatile.Read(ref _blocks), "{block}", "Blocks this node's pool saw finalized.");
        meter.CreateObservableCounter("ainur.ledger.transactions.finalized", () => Volatile.Read(ref _transactions), "{transaction}", "Transactions in the blocks this node's pool saw finalized.");
        meter.CreateObservableCounter(
            "ainur.ledger.consensus.cpu", () => ConsensusCpu.TotalSeconds, "s",
            "CPU time of this silo's validators' consensus work: steps (vote signing and checks), block building and execution, signature pre-checks; not messaging or storage.");
        meter.CreateObservableGauge(
            "ainur.ledger.mempool.pending", () => Volatile.Read(ref _mempoolPending), "{transaction}",
            "Transactions admitted to the mempool on this silo and not yet final or rejected (0 on silos without the mempool).");
        _finality = meter.CreateHistogram<double>("ainur.ledger.finality", "s", "Time from admission to the mempool until the transaction's block is final.", tags: null, DurationBuckets.Seconds);
        _blockTransactions = meter.CreateHistogram<long>("ainur.ledger.block.transactions", "{transaction}", "Transactions per finalized block.", tags: null, BlockSizeBuckets);
        _rounds = meter.CreateHistogram<long>("ainur.ledger.block.rounds", "{round}", "Consensus rounds a height took (1 when decided in its first round).");
    }

    /// <summary>Blocks seen finalized so far.</summary>
    public long FinalizedBlocks => Volatile.Read(ref _blocks);

    /// <summary>Transactions in the blocks seen finalized so far.</summary>
    public long FinalizedTransactions => Volatile.Read(ref _transactions);

    /// <summary>CPU time of this silo's validators' consensus work so far (see the <c>ainur.ledger.consensus.cpu</c> counter).</summary>
    public TimeSpan ConsensusCpu => TimeSpan.FromTicks(Volatile.Read(ref _consensusCpuNanos) / 100);

    /// <summary>A block became final at <paramref name="height"/> with <paramref name="transactions"/> transactions after <paramref name="rounds"/> rounds.</summary>
    public void BlockFinalized(long height, int transactions, int rounds)
    {
        long seen;
        do
        {
            seen = Volatile.Read(ref _height);
        }
        while (height > seen && Interlocked.CompareExchange(ref _height, height, seen) != seen);

        Interlocked.Increment(ref _blocks);
        Interlocked.Add(ref _transactions, transactions);
        _blockTransactions.Record(transactions);
        _rounds.Record(rounds);
    }

    /// <summary>One transaction took <paramref name="latency"/> from admission to finality.</summary>
    public void TransactionFinal(TimeSpan latency) => _finality.Record(latency.TotalSeconds);

    /// <summary>The mempool on this silo holds <paramref name="count"/> transactions that are not yet final or rejected.</summary>
    public void MempoolPending(int count) => Volatile.Write(ref _mempoolPending, count);

    /// <summary>A validator spent <paramref name="nanoseconds"/> of CPU on consensus work.</summary>
    public void ConsensusWork(long nanoseconds) => Interlocked.Add(ref _consensusCpuNanos, nanoseconds);
}
