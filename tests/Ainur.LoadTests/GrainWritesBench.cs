using System.Globalization;
using System.Security.Cryptography;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.LoadTests;

/// <summary>
/// Grain calls on a bare silo, no HTTP: (a) <c>GetAsync</c> of registered agents (no write), (b) <c>RegisterAsync</c>
/// of new agents (activation, state read, durable insert through the ADO.NET grain storage), (c) <c>RegisterAsync</c>
/// of a changed manifest on active agents (durable update only).
/// </summary>
internal static class GrainWritesBench
{
    public static async Task RunAsync(int concurrency, TimeSpan duration, TimeSpan warmUp)
    {
        await using var database = await TestDatabase.CreateAsync();
        var host = await InProcessGateway.StartSiloAsync(NodeSettings.Standalone(database.ConnectionString, database.Name));
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();

            // Existing agents: every worker owns its own slice, so no two calls wait on the same grain.
            var perWorker = 32;
            var agents = Enumerable.Range(0, concurrency * perWorker).Select(_ => NewDid()).ToArray();
            await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = concurrency },
                async (did, _) => await RegisterAsync(grains, did, Manifest("1.0.0"), RegistrationOutcome.Created));
            Did Existing(int worker, long iteration) => agents[worker + (concurrency * (int)(iteration % perWorker))];

            var phases = new List<PhaseResult>
            {
                await LoadRunner.RunPhaseAsync("a. GetAsync (no write)", concurrency, warmUp, duration, async (w, i) =>
                {
                    if (await grains.GetGrain<IAgentGrain>(Existing(w, i).Value).GetAsync() is null)
                    {
                        throw new InvalidOperationException("A registered agent read back as missing.");
                    }
                }),
                await LoadRunner.RunPhaseAsync("b. RegisterAsync, new agent (activate + read + insert)", concurrency, warmUp, duration,
                    (_, _) => RegisterAsync(grains, NewDid(), Manifest("1.0.0"), RegistrationOutcome.Created)),
                await LoadRunner.RunPhaseAsync("c. RegisterAsync, changed manifest (update)", concurrency, warmUp, duration,
                    (w, i) => RegisterAsync(grains, Existing(w, i), Manifest(string.Create(CultureInfo.InvariantCulture, $"1.{w}.{i}")), RegistrationOutcome.Updated)),
            };

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"### grainwrites — C = {concurrency}, {duration.TotalSeconds:F0} s per phase after {warmUp.TotalSeconds:F0} s warm-up, {agents.Length} pre-registered agents"));
            Console.WriteLine();
            Console.Write(Report.Table("ops", phases));
            Console.WriteLine();
            Console.WriteLine(string.Join("; ", phases.Select(p => $"{p.Name[..2]} {Report.Operations(p)}")));
            Console.WriteLine();
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static async Task RegisterAsync(IGrainFactory grains, Did did, AgentManifest manifest, RegistrationOutcome expected)
    {
        var decision = await grains.GetGrain<IAgentGrain>(did.Value).RegisterAsync(new RegisterAgent(did, manifest));
        if (decision.Rejection is not null || decision.Outcome != expected)
        {
            throw new InvalidOperationException($"Registration came back {decision.Rejection?.ToString() ?? decision.Outcome.ToString()}, expected {expected}.");
        }
    }

    // The grain only parses the DID (the gateway verified the signature), so any 32 bytes make a valid agent key here.
    private static Did NewDid() => Did.FromPublicKey(RandomNumberGenerator.GetBytes(32));

    private static AgentManifest Manifest(string version) => new(
        "summarizer",
        version,
        [new Capability("text.summarize", "Summarizes English text.", 5, """{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}""", """{"type":"object"}""")],
        new AgentRuntime(RuntimeKind.Remote, null),
        "https://agent.example/run");
}
