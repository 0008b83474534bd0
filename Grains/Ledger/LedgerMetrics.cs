using System.Diagnostics.Metrics;
using Ainur.Grains.Telemetry;

namespace Ainur.Grains.Ledger;

/// <summary>The ledger's instruments on the <c>Ainur</c> meter (exported on /metrics as <c>ainur_ledger_*</c>).</summary>
public sealed class LedgerMetrics
{
    private readonly Histogram<double> _finality;
    private readonly Histogram<long> _blockTransactions;
    private readonly Histogram<long> _rounds;
    private long _height;

    /// <summary>Creates the instruments on a meter owned by <paramref name="meterFactory"/>.</summary>
    public LedgerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create("Ainur");
        meter.CreateObservableGauge("ainur.ledger.height", () => Volatile.Read(ref _height), "{block}", "Height of the last finalized block.");
        _finality = meter.CreateHistogram<double>("ainur.ledger.finality", "s", "Time from admission to the mempool until the transaction's block is final.", tags: null, DurationBuckets.Seconds);
        _blockTransactions = meter.CreateHistogram<long>("ainur.ledger.block.transactions", "{transaction}", "Transactions per finalized block.");
        _rounds = meter.CreateHistogram<long>("ainur.ledger.block.rounds", "{round}", "Consensus rounds a height took (1 when decided in its first round).");
    }

    /// <summary>A block became final at <paramref name="height"/> with <paramref name="transactions"/> transactions after <paramref name="rounds"/> rounds.</summary>
    public void BlockFinalized(long height, int transactions, int rounds)
    {
        long seen;
        do
        {
            seen = Volatile.Read(ref _height);
        }
        while (height > seen && Interlocked.CompareExchange(ref _height, height, seen) != seen);

        _blockTransactions.Record(transactions);
        _rounds.Record(rounds);
    }

    /// <summary>One transaction took <paramref name="latency"/> from admission to finality.</summary>
    public void TransactionFinal(TimeSpan latency) => _finality.Record(latency.TotalSeconds);
}
