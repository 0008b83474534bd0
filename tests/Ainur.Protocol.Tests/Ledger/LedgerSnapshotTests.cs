using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using CsCheck;

namespace Ainur.Protocol.Tests.Ledger;

/// <summary>
/// A snapshot decodes to the very state it was taken of (same root, accounts, escrows, sequence), and the blocks after
/// it apply to the decoded state exactly as to the original, unbonding releases included.
/// </summary>
public sealed class LedgerSnapshotTests
{
    [Fact]
    public void Snapshot_AtAnyHeight_DecodesToTheSameState_AndTheRestOfTheChainAppliesTheSame()
    {
        Gen.Select(RandomHistory.Histories, Gen.Int[0, 100]).Sample((steps, at) =>
        {
            var history = RandomHistory.Run(steps);
            var cut = at % history.States.Count;
            var original = history.States[cut];

            var decoded = LedgerSnapshot.Decode(original.Genesis, LedgerSnapshot.Encode(original));

            Assert.Equal(original.StateRoot, decoded.StateRoot);
            Assert.Equal(
                (original.Height, original.LastBlockHash, original.TimeUnixMs, original.OrchestratorSequence),
                (decoded.Height, decoded.LastBlockHash, decoded.TimeUnixMs, decoded.OrchestratorSequence));
            Assert.Equal(original.Accounts.OrderBy(a => a.Key.Value, StringComparer.Ordinal), decoded.Accounts.OrderBy(a => a.Key.Value, StringComparer.Ordinal));
            Assert.Equal(original.Escrows.OrderBy(e => e.Id), decoded.Escrows.OrderBy(e => e.Id));
            var state = decoded;
            foreach (var block in history.Blocks.Where(b => b.Height > cut))
            {
                state = BlockExecution.ApplyFinalized(state, block).After ?? throw new InvalidOperationException($"Block {block.Height} does not apply after the snapshot.");
                Assert.Equal(history.States[(int)block.Height].StateRoot, state.StateRoot);
            }
        }, iter: 150);
    }

    [Fact]
    public void Snapshot_Truncated_OrWithATrailingByte_IsAFormatException()
    {
        var history = RandomHistory.Run(RandomHistory.Histories.Single());
        var bytes = LedgerSnapshot.Encode(history.States[^1]);

        for (var length = 0; length < bytes.Length; length += Math.Max(1, bytes.Length / 50))
        {
            Assert.Throws<FormatException>(() => LedgerSnapshot.Decode(history.States[^1].Genesis, bytes.AsSpan(0, length)));
        }

        Assert.Throws<FormatException>(() => LedgerSnapshot.Decode(history.States[^1].Genesis, [.. bytes, 0]));
    }
}
