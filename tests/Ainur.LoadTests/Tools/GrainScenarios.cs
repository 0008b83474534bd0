using System.Security.Cryptography;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.LoadTests.Tools;

/// <summary>Registration of a new agent per operation, straight to its grain (what the gateway does after checking the signature).</summary>
internal sealed class GrainRegisterScenario(IClusterClient cluster) : ILoadScenario
{
    public string Name => "register";

    public string Description => "IAgentGrain.RegisterAsync of a new agent (durable write)";

    public Task<LoadOperation> PrepareAsync(int concurrency) => Task.FromResult<LoadOperation>(async (_, _) =>
    {
        // Any 32 bytes make a DID: real keys would load the client, and the grain takes the signer as already verified.
        var did = Did.FromPublicKey(RandomNumberGenerator.GetBytes(32));
        var decision = await cluster.GetGrain<IAgentGrain>(did.Value).RegisterAsync(new RegisterAgent(did, LoadAgents.Manifest));
        if (decision.Outcome != RegistrationOutcome.Created)
        {
            throw new LoadFailure(decision.Rejection is { } why ? $"rejected:{why}" : $"outcome:{decision.Outcome}", $"Registration of {did} answered {decision.Outcome} {decision.Rejection}.");
        }
    });

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A client-signed transfer per operation through the mempool grain, awaited until its block is final.</summary>
internal sealed class GrainTransferScenario(GrainLedger ledger) : OwningScenario
{
    private AgentKey[] _senders = [];

    public override string Name => "transfers";

    public override string Description => "signed Transfer to IMempoolGrain, submit -> final";

    public override async Task<LoadOperation> PrepareAsync(int concurrency)
    {
        _senders = NewKeys(concurrency);
        await ledger.FundAsync([.. _senders.Select(s => s.Did)], LoadAgents.Funding);
        var nonces = new long[concurrency];
        var payees = Enumerable.Range(0, 1024).Select(_ => Did.FromPublicKey(RandomNumberGenerator.GetBytes(32))).ToArray();
        return (w, i) => ledger.FinalizeAsync(ledger.Sign(new Transfer(_senders[w].Did, payees[i % payees.Length], 1, ++nonces[w]), _senders[w]));
    }
}
