using System.Collections.Immutable;
using Ainur.Grains.Ledger;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger;
using Ainur.Silo.Hosting;

namespace Ainur.Silo.Ledger;

/// <summary>Turns validated <see cref="LedgerOptions"/> into the grains' <see cref="LedgerSettings"/>, with a standalone node's generated development keys where allowed.</summary>
public static class LedgerSetup
{
    /// <summary>The chain id standalone nodes use when none is configured.</summary>
    public const string DevelopmentChainId = "ainur-dev";

    /// <summary>Problems with the ledger section, each naming the setting; empty when it is usable in <paramref name="mode"/>.</summary>
    public static IEnumerable<string> Validate(LedgerOptions options, AinurMode mode)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validators is < 1 or > 100)
        {
            yield return "Ainur:Ledger:Validators must be 1-100 (3f + 1 tolerates f faulty; 4 is the default).";
        }

        if (mode == AinurMode.Cluster)
        {
            if (string.IsNullOrWhiteSpace(options.ChainId))
            {
                yield return "Cluster mode needs Ainur:Ledger:ChainId.";
            }

            if (options.ValidatorKeys.Count == 0 || options.OrchestratorKey is null)
            {
                yield return "Cluster mode needs the ledger's secrets: Ainur:Ledger:ValidatorKeys (one base64 Ed25519 seed per validator) and Ainur:Ledger:OrchestratorKey; development keys exist only in standalone mode.";
            }
        }

        if (options.ValidatorKeys.Count != 0 && options.ValidatorKeys.Count != options.Validators)
        {
            yield return $"Ainur:Ledger:ValidatorKeys has {options.ValidatorKeys.Count} keys for {options.Validators} validators.";
        }

        foreach (var (name, key) in options.ValidatorKeys.Select((k, i) => ($"ValidatorKeys:{i}", (string?)k)).Append(("OrchestratorKey", options.OrchestratorKey)))
        {
            if (key is not null && !IsSeed(key))
            {
                yield return $"Ainur:Ledger:{name} is not a base64 32-byte Ed25519 seed.";
            }
        }

        if (options.Treasury is { } treasury && !Did.TryParse(treasury, out _, out var why))
        {
            yield return $"Ainur:Ledger:Treasury is not a DID: {why}.";
        }

        foreach (var (account, amount) in options.Allocations.Select(a => (a.Account, a.Amount)))
        {
            if (!Did.TryParse(account, out _, out var reason))
            {
                yield return $"Ainur:Ledger:Allocations: '{account}' is not a DID: {reason}.";
            }

            if (amount <= 0)
            {
                yield return $"Ainur:Ledger:Allocations: {account} must get a positive number of credits.";
            }
        }

        foreach (var twice in options.Allocations.GroupBy(a => a.Account, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"Ainur:Ledger:Allocations names {twice.Key} more than once.";
        }

        if (options.SnapshotEveryBlocks < 1 || options.UnbondingBlocks < 1 || options.MaxBlockTransactions < 1 || options.BatchWaitMs < 0 || options.MempoolCapacity < 1
            || options.FaucetAllocation < 0 || options.FaucetGrant < 1)
        {
            yield return "Ainur:Ledger: SnapshotEveryBlocks, UnbondingBlocks, MaxBlockTransactions, MempoolCapacity and FaucetGrant must be positive; BatchWaitMs and FaucetAllocation not negative.";
        }

        if (options.ProposeTimeoutMs < 1 || options.PrevoteTimeoutMs < 1 || options.PrecommitTimeoutMs < 1 || options.TimeoutDeltaMs < 0)
        {
            yield return "Ainur:Ledger timeouts must be positive (TimeoutDeltaMs may be 0).";
        }

        // A proposer filling its block must not look dead to the others, whose propose timeout runs meanwhile.
        if (options.BusyBlockIntervalMs < 0 || options.BusyBlockIntervalMs > options.ProposeTimeoutMs / 2)
        {
            yield return "Ainur:Ledger:BusyBlockIntervalMs must be between 0 and half of ProposeTimeoutMs.";
        }
    }

    /// <summary>
    /// Builds the settings. In standalone mode <paramref name="development"/> (the node's generated keys) supplies the
    /// faucet and whatever validator or orchestrator key is not configured; configured keys always win.
    /// </summary>
    public static LedgerSettings Build(LedgerOptions options, AinurMode mode, DevelopmentKeys? development)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (mode == AinurMode.Standalone && development is null)
        {
            throw new ArgumentNullException(nameof(development), "A standalone node needs its development keys (at least for the faucet).");
        }

        var validatorKeys = options.ValidatorKeys.Count != 0
            ? options.ValidatorKeys.Select(FromBase64).ToImmutableArray()
            : [.. development!.ValidatorSeeds.Select(seed => AgentKey.FromSeed(seed))];
        var orchestrator = options.OrchestratorKey is { } seed ? FromBase64(seed) : AgentKey.FromSeed(development!.OrchestratorSeed);
        var faucet = development is null ? null : AgentKey.FromSeed(development.FaucetSeed);

        var allocations = options.Allocations.Select(a => new GenesisAllocation(Did.Parse(a.Account), a.Amount));
        if (faucet is not null && options.FaucetAllocation > 0)
        {
            allocations = allocations.Append(new GenesisAllocation(faucet.Did, options.FaucetAllocation));
        }

        var genesis = new Genesis(
            options.ChainId ?? DevelopmentChainId,
            options.GenesisTime.ToUnixTimeMilliseconds(),
            new ValidatorSet([.. validatorKeys.Select(k => k.Did)]),
            orchestrator.Did,
            options.Treasury is { } treasury ? Did.Parse(treasury) : orchestrator.Did,
            options.UnbondingBlocks,
            [.. allocations.OrderBy(a => a.Account.Value, StringComparer.Ordinal)]);

        return new LedgerSettings
        {
            Genesis = genesis,
            ValidatorKeys = validatorKeys,
            Orchestrator = orchestrator,
            Faucet = faucet,
            FaucetGrant = options.FaucetGrant,
            DevelopmentKeys = options.ValidatorKeys.Count == 0 || options.OrchestratorKey is null,
            DevelopmentKeysFile = development?.Path,
            Timeouts = new TimeoutSettings(
                TimeSpan.FromMilliseconds(options.ProposeTimeoutMs),
                TimeSpan.FromMilliseconds(options.PrevoteTimeoutMs),
                TimeSpan.FromMilliseconds(options.PrecommitTimeoutMs),
                TimeSpan.FromMilliseconds(options.TimeoutDeltaMs)),
            MaxBlockTransactions = options.MaxBlockTransactions,
            BatchWait = TimeSpan.FromMilliseconds(options.BatchWaitMs),
            BusyBlockInterval = TimeSpan.FromMilliseconds(options.BusyBlockIntervalMs),
            MempoolCapacity = options.MempoolCapacity,
            SnapshotEveryBlocks = options.SnapshotEveryBlocks,
        };
    }

    private static bool IsSeed(string text)
    {
        Span<byte> bytes = stackalloc byte[64];
        return Convert.TryFromBase64String(text, bytes, out var written) && written == AgentKey.SeedLength;
    }

    private static AgentKey FromBase64(string seed) => AgentKey.FromSeed(Convert.FromBase64String(seed));
}
