using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Protocol.Identity;

namespace Ainur.Cli.Commands;

/// <summary><c>ainur agent register|deregister|show</c>: the gateway's <c>/v1/agents</c> API; <c>agent run</c> is the remote-agent loop.</summary>
internal static class AgentCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(CliContext context) => new("agent", "Register and look up agents on a gateway.")
    {
        Register(context),
        Deregister(context),
        Show(context),
        AgentRunCommand.Create(context),
    };

    private static Command Register(CliContext context)
    {
        var manifest = new Option<string>("--manifest") { Description = "Agent manifest (JSON object).", Required = true };
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("register", "Register or update this key's agent with a signed POST /v1/agents.")
        {
            manifest, keyOption, gateway, json,
        };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var manifestObject = ReadManifest(parse.GetValue(manifest)!);
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["did"] = key.Did.Value, ["manifest"] = manifestObject });
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var response = await client.PostSignedAsync("v1/agents", body, key, ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), view =>
                $"{view["outcome"]}: {view["did"]} version {view["version"]}");
        }));
        return command;
    }

    private static Command Deregister(CliContext context)
    {
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command(
            "deregister",
            "Deregister this key's agent with a signed POST /v1/agents/{did}/deregister: no new tasks; tasks in flight finish. Registering again re-activates it.")
        {
            keyOption, gateway, json,
        };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var response = await client.PostSignedAsync($"v1/agents/{key.Did}/deregister", "{}"u8.ToArray(), key, ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), view =>
                $"deregistered: {view["did"]} since {view["deregisteredAt"]} (version {view["version"]})");
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var did = new Argument<string>("did") { Description = "The agent's DID (did:key:z6Mk…)." };
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("show", "Show an agent's registration (GET /v1/agents/{did}).") { did, gateway, json };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            if (!Did.TryParse(parse.GetValue(did), out var agent, out var error))
            {
                throw new CliException(ExitCodes.Input, $"error: invalid DID: {error}.");
            }

            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var response = await client.GetAsync($"v1/agents/{agent}", ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), view =>
                $"{view["did"]} version {view["version"]}\n{view["manifest"]?.ToJsonString(Indented)}");
        }));
        return command;
    }

    private static JsonObject ReadManifest(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Input, $"error: cannot read manifest {file}: {e.Message}");
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new CliException(ExitCodes.Input, $"error: manifest {file} must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Input, $"error: manifest {file} is not valid JSON: {e.Message}");
        }
    }
}
