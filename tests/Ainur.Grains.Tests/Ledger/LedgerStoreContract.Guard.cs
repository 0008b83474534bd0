using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Tests.Ledger;

/// <summary>The double-sign guard: monotonic, idempotent for the same message, one winner in a race.</summary>
public abstract partial class LedgerStoreContract
{
    private static readonly Hash32 BlockA = Filled(0xA1);
    private static readonly Hash32 BlockB = Filled(0xB2);

    /// <summary>Random guard sequences checked against the model per run (each sequence has its own seed).</summary>
    protected abstract int GuardSequences { get; }

    [Fact]
    public async Task LoadGuard_NeverSigned_IsNull()
    {
        Assert.Null(await Store.LoadGuardAsync(ChainId, 0, Ct));
    }

    [Fact]
    public async Task TryAdvanceGuard_First_IsStored()
    {
        var guard = new SigningGuard(5, 2, SignStep.Prevote, BlockA, 1, BlockB);

        Assert.True(await Store.TryAdvanceGuardAsync(ChainId, 0, guard, Ct));

        Assert.Equal(guard, await Store.LoadGuardAsync(ChainId, 0, Ct));
        Assert.Null(await Store.LoadGuardAsync(ChainId, 1, Ct));
    }

    [Fact]
    public async Task TryAdvanceGuard_WithRecentVotes_StoresThemForTheRestart()
    {
        var prevote = new Vote(VoteType.Prevote, 5, 2, BlockA, 1, Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());
        var nilPrecommit = new Vote(VoteType.Precommit, 5, 2, null, 1, Enumerable.Range(0, 64).Select(i => (byte)(255 - i)).ToArray());
        var guard = new SigningGuard(5, 2, SignStep.Precommit, null, 1, BlockA, [prevote, nilPrecommit]);

        Assert.True(await Store.TryAdvanceGuardAsync(ChainId, 0, guard, Ct));

        var loaded = await Store.LoadGuardAsync(ChainId, 0, Ct);
        Assert.Equal(guard, loaded);
        Assert.Equal([prevote, nilPrecommit], loaded!.RecentVotes);
    }

    [Theory]
    [InlineData(3, 1, SignStep.Precommit)]
    [InlineData(3, 2, SignStep.Propose)]
    [InlineData(4, 0, SignStep.Propose)]
    public async Task TryAdvanceGuard_StrictlyLater_IsAcceptedAndStored(long height, int round, SignStep step)
    {
        await Store.TryAdvanceGuardAsync(ChainId, 0, new SigningGuard(3, 1, SignStep.Prevote, BlockA, -1, null), Ct);
        var later = new SigningGuard(height, round, step, BlockB, -1, null);

        Assert.True(await Store.TryAdvanceGuardAsync(ChainId, 0, later, Ct));

        Assert.Equal(later, await Store.LoadGuardAsync(ChainId, 0, Ct));
    }

    [Theory]
    [InlineData(3, 1, SignStep.Propose)]
    [InlineData(3, 0, SignStep.Precommit)]
    [InlineData(2, 9, SignStep.Precommit)]
    public async Task TryAdvanceGuard_Earlier_IsRefusedAndChangesNothing(long height, int round, SignStep step)
    {
        var stored = new SigningGuard(3, 1, SignStep.Prevote, BlockA, -1, null);
        await Store.TryAdvanceGuardAsync(ChainId, 0, stored, Ct);

        Assert.False(await Store.TryAdvanceGuardAsync(ChainId, 0, new SigningGuard(height, round, step, BlockA, -1, null), Ct));

        Assert.Equal(stored, await Store.LoadGuardAsync(ChainId, 0, Ct));
    }

    [Theory]
    [InlineData(0xA1, 0xB2)]
    [InlineData(0xA1, null)]
    [InlineData(null, 0xA1)]
    public async Task TryAdvanceGuard_SameStepOtherBlock_IsRefusedAndChangesNothing(int? storedFill, int? offeredFill)
    {
        var stored = new SigningGuard(7, 0, SignStep.Precommit, HashOf(storedFill), -1, null);
        await Store.TryAdvanceGuardAsync(ChainId, 0, stored, Ct);

        Assert.False(await Store.TryAdvanceGuardAsync(ChainId, 0, stored with { BlockHash = HashOf(offeredFill) }, Ct));

        Assert.Equal(stored, await Store.LoadGuardAsync(ChainId, 0, Ct));
    }

    [Theory]
    [InlineData(0xA1)]
    [InlineData(null)]
    public async Task TryAdvanceGuard_SameStepSameBlock_IsAcceptedAgain(int? fill)
    {
        var guard = new SigningGuard(7, 0, SignStep.Precommit, HashOf(fill), -1, null);
        await Store.TryAdvanceGuardAsync(ChainId, 0, guard, Ct);

        Assert.True(await Store.TryAdvanceGuardAsync(ChainId, 0, guard, Ct));

        Assert.Equal(guard, await Store.LoadGuardAsync(ChainId, 0, Ct));
    }

    [Fact]
    public async Task TryAdvanceGuard_ReSign_MovesLockForwardNeverBack()
    {
        var unlocked = new SigningGuard(7, 3, SignStep.Precommit, BlockA, -1, null);
        var locked = unlocked with { LockedRound = 3, LockedBlockHash = BlockA };
        var staleLock = unlocked with { LockedRound = 1, LockedBlockHash = BlockB };
        await Store.TryAdvanceGuardAsync(ChainId, 0, unlocked, Ct);

        Assert.True(await Store.TryAdvanceGuardAsync(ChainId, 0, locked, Ct));
        Assert.Equal(locked, await Store.LoadGuardAsync(ChainId, 0, Ct));

        Assert.True(await Store.TryAdvanceGuardAsync(ChainId, 0, staleLock, Ct));
        Assert.Equal(locked, await Store.LoadGuardAsync(ChainId, 0, Ct));
    }

    [Fact]
    public async Task TryAdvanceGuard_NextHeight_ReplacesTheLock()
    {
        await Store.TryAdvanceGuardAsync(ChainId, 0, new SigningGuard(7, 3, SignStep.Precommit, BlockA, 3, BlockA), Ct);
        var nextHeight = new SigningGuard(8, 0, SignStep.Prevote, null, -1, null);

        Assert.True(await Store.TryAdvanceGuardAsync(ChainId, 0, nextHeight, Ct));

        Assert.Equal(nextHeight, await Store.LoadGuardAsync(ChainId, 0, Ct));
    }

    [Fact]
    public async Task TryAdvanceGuard_RandomSequences_MatchTheModel()
    {
        for (var seed = 0; seed < GuardSequences; seed++)
        {
            var random = new Random(seed);
            SigningGuard? expected = null;
            for (var step = 0; step < 40; step++)
            {
                var offered = RandomGuard(random);
                var (permits, next) = Model(expected, offered);

                var accepted = await Store.TryAdvanceGuardAsync(ChainId, seed, offered, Ct);
                var stored = await Store.LoadGuardAsync(ChainId, seed, Ct);

                Assert.True(permits == accepted && next == stored,
                    $"seed {seed}, step {step}: offered {offered} over {expected}: expected {permits} and {next}, got {accepted} and {stored}");
                expected = next;
            }
        }
    }

    [Fact]
    public async Task TryAdvanceGuard_TwoConflictingFromParallelTasks_ExactlyOneWins()
    {
        for (var height = 1; height <= 100; height++)
        {
            SigningGuard[] contenders =
            [
                new(height, 0, SignStep.Prevote, BlockA, -1, null),
                new(height, 0, SignStep.Prevote, BlockB, -1, null),
            ];

            var accepted = await Task.WhenAll(contenders.Select(g => Task.Run(() => Store.TryAdvanceGuardAsync(ChainId, 0, g, Ct), Ct)));

            Assert.Single(accepted, a => a);
            Assert.Equal(contenders[Array.IndexOf(accepted, true)], await Store.LoadGuardAsync(ChainId, 0, Ct));
        }
    }

    // The contract, written as a specification: (height, round, step) strictly later replaces everything; the same
    // point with the same block is permitted and keeps the later of the two locks; anything else is refused.
    private static (bool Permits, SigningGuard? Next) Model(SigningGuard? stored, SigningGuard offered)
    {
        if (stored is null) return (true, offered);
        var order = (offered.Height, offered.Round, offered.Step).CompareTo((stored.Height, stored.Round, stored.Step));
        if (order > 0) return (true, offered);
        if (order < 0 || offered.BlockHash != stored.BlockHash) return (false, stored);
        return (true, offered.LockedRound >= stored.LockedRound ? offered : stored);
    }

    // Small ranges, so repeats, ties and regressions are frequent.
    private static SigningGuard RandomGuard(Random random)
    {
        Hash32?[] hashes = [null, BlockA, BlockB];
        var lockedRound = random.Next(-1, 3);
        return new SigningGuard(
            random.Next(1, 4), random.Next(0, 3), (SignStep)random.Next(1, 4), hashes[random.Next(3)],
            lockedRound, lockedRound < 0 ? null : hashes[random.Next(1, 3)]);
    }

    private static Hash32? HashOf(int? fill) => fill is { } value ? Filled((byte)value) : null;

    private static Hash32 Filled(byte value) => new(Enumerable.Repeat(value, Hash32.Length).ToArray());
}
